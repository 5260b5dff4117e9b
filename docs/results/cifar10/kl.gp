# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'kl.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
0 0
0.5 0.00235800343
1 0.00868214709
1.5 0.0178247735
2 0.0283673533
2.5 0.0405624988
3 0.054206756
3.5 0.0694098219
4 0.0849491592
4.5 0.101780973
5 0.120641542
5.5 0.140222336
6 0.159140949
6.5 0.177786322
7 0.196371126
7.5 0.215174913
8 0.234890913
EOD
$panel0_series1 << EOD
0 0
0.5 0.00672479345
1 0.0181954457
1.5 0.0272407575
2 0.0361389389
2.5 0.0523499759
3 0.0689003638
3.5 0.0823598044
4 0.094255036
4.5 0.115939765
5 0.13980677
5.5 0.158880146
6 0.174944914
6.5 0.196559913
7 0.218063288
7.5 0.233751378
8 0.248633738
EOD
$panel0_series2 << EOD
0 0
0.5 0.00238440645
1 0.00872988016
1.5 0.0177633204
2 0.0284726031
2.5 0.0408162321
3 0.054144658
3.5 0.0686518682
4 0.0837239471
4.5 0.100488346
5 0.11798424
5.5 0.136211677
6 0.154481039
6.5 0.173545068
7 0.193279886
7.5 0.213791633
8 0.233738424
EOD
$panel1_series0 << EOD
0 0
0.5 0.00142970967
1 0.00522733171
1.5 0.0102679851
2 0.0153732311
2.5 0.0207193394
3 0.0262535719
3.5 0.0318050762
4 0.0373652613
4.5 0.0439104853
5 0.0511735895
5.5 0.0586340605
6 0.0655407688
6.5 0.0722535428
7 0.0784238323
7.5 0.0843855896
8 0.0902783597
EOD
$panel1_series1 << EOD
0 0
0.5 0.00855536731
1 0.0215465849
1.5 0.0254359274
2 0.0274105282
2.5 0.0373894573
3 0.0472697397
3.5 0.0493417572
4 0.0528233836
4.5 0.0657016153
5 0.0812117211
5.5 0.0886623843
6 0.0919968367
6.5 0.100102191
7 0.112282477
7.5 0.115750755
8 0.120379663
EOD
$panel1_series2 << EOD
0 0
0.5 0.00171630487
1 0.00610599342
1.5 0.0118482717
2 0.0177665163
2.5 0.0239733776
3 0.0303774664
3.5 0.03668563
4 0.043298714
4.5 0.0499950544
5 0.0569024318
5.5 0.0637189965
6 0.07102813
6.5 0.0779563134
7 0.0844394348
7.5 0.091766951
8 0.0999485324
EOD
$panel2_series0 << EOD
0 0
0.5 0.00392808496
1 0.0141575004
1.5 0.028686572
2 0.0449437468
2.5 0.0627186754
3 0.0823297194
3.5 0.103434248
4 0.12500233
4.5 0.147967797
5 0.172427658
5.5 0.195949038
6 0.217458684
6.5 0.23853164
7 0.259221581
7.5 0.279350291
8 0.300078531
EOD
$panel2_series1 << EOD
0 0
0.5 0.0111809421
1 0.028254659
1.5 0.044736489
2 0.0620535971
2.5 0.0830049032
3 0.101760152
3.5 0.120649419
4 0.140952675
4.5 0.170761448
5 0.198291306
5.5 0.225058232
6 0.245732103
6.5 0.274896198
7 0.297921297
7.5 0.317859475
8 0.336271154
EOD
$panel2_series2 << EOD
0 0
0.5 0.00407074091
1 0.0148507136
1.5 0.029096466
2 0.0448024772
2.5 0.0629436454
3 0.0822633347
3.5 0.102060916
4 0.122750889
4.5 0.144168798
5 0.167077437
5.5 0.190568098
6 0.214504235
6.5 0.237854103
7 0.26164428
7.5 0.286575522
8 0.307074156
EOD
set multiplot layout 1,3 title 'KL divergence between the unshifted and the shifted input' font ',14'

# panel 0
set title 'vertical'
set xlabel 'shift (pixels)'
set xrange [*:*]
set xtics autofreq
unset logscale x
set ylabel 'mean KL(p_0 || p_k)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key top left opaque box
set grid front
unset colorbox
plot $panel0_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'

# panel 1
set title 'horizontal'
set xlabel 'shift (pixels)'
set xrange [*:*]
set xtics autofreq
unset logscale x
set ylabel 'mean KL(p_0 || p_k)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key top left opaque box
set grid front
unset colorbox
plot $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'

# panel 2
set title 'diagonal'
set xlabel 'shift (pixels)'
set xrange [*:*]
set xtics autofreq
unset logscale x
set ylabel 'mean KL(p_0 || p_k)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key top left opaque box
set grid front
unset colorbox
plot $panel2_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'
unset multiplot
