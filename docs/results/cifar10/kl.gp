# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'kl.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
0 0
0.5 0.00896915646
1 0.028246687
1.5 0.0503865149
2 0.0729414165
2.5 0.0960401707
3 0.119235157
3.5 0.141503544
4 0.167347955
4.5 0.195073
5 0.222963757
5.5 0.252121133
6 0.280255529
6.5 0.306456011
7 0.329987659
7.5 0.352133058
8 0.376339421
EOD
$panel0_series1 << EOD
0 0
0.5 0.0102927627
1 0.0294786757
1.5 0.0481947195
2 0.0655650453
2.5 0.0902202446
3 0.114919782
3.5 0.140073274
4 0.164171096
4.5 0.197142088
5 0.230249134
5.5 0.257978934
6 0.283415962
6.5 0.309858191
7 0.333306187
7.5 0.352052746
8 0.371737787
EOD
$panel0_series2 << EOD
0 0
0.5 0.00519708609
1 0.0184832274
1.5 0.0364175039
2 0.0570020854
2.5 0.0801624811
3 0.105607835
3.5 0.13165391
4 0.158964812
4.5 0.18649443
5 0.214684051
5.5 0.24167084
6 0.268081768
6.5 0.293640542
7 0.317229447
7.5 0.342131447
8 0.36766106
EOD
$panel1_series0 << EOD
0 0
0.5 0.00978711058
1 0.0295026682
1.5 0.0456677487
2 0.0591506758
2.5 0.0768032606
3 0.0906315643
3.5 0.0993912022
4 0.11120126
4.5 0.132070722
5 0.155971924
5.5 0.173016827
6 0.188162745
6.5 0.208815037
7 0.222258222
7.5 0.229396418
8 0.236396608
EOD
$panel1_series1 << EOD
0 0
0.5 0.0120652918
1 0.0296979403
1.5 0.0429762025
2 0.0537244883
2.5 0.0716151115
3 0.0865692746
3.5 0.0982269939
4 0.110884451
4.5 0.136318644
5 0.161968528
5.5 0.181493212
6 0.196365001
6.5 0.216816787
7 0.231464429
7.5 0.245853733
8 0.259226103
EOD
$panel1_series2 << EOD
0 0
0.5 0.00466121883
1 0.0160449508
1.5 0.0311297214
2 0.0470841096
2.5 0.0636601011
3 0.0794671018
3.5 0.0963699881
4 0.112635844
4.5 0.132237622
5 0.152199441
5.5 0.17254853
6 0.19277181
6.5 0.211910149
7 0.227577394
7.5 0.243691238
8 0.259432411
EOD
$panel2_series0 << EOD
0 0
0.5 0.0173310641
1 0.0529422496
1.5 0.090291957
2 0.127417862
2.5 0.161752775
3 0.191848087
3.5 0.220296912
4 0.25349283
4.5 0.296124569
5 0.334196813
5.5 0.373332799
6 0.412733897
6.5 0.447427301
7 0.467739435
7.5 0.484672641
8 0.51167754
EOD
$panel2_series1 << EOD
0 0
0.5 0.0200012426
1 0.0489827759
1.5 0.0837997224
2 0.115215433
2.5 0.151882236
3 0.187779419
3.5 0.225436746
4 0.262733037
4.5 0.31075175
5 0.353623907
5.5 0.393439851
6 0.42470641
6.5 0.455923693
7 0.479305521
7.5 0.502434723
8 0.524496621
EOD
$panel2_series2 << EOD
0 0
0.5 0.00923524862
1 0.0324603995
1.5 0.0642471668
2 0.100207288
2.5 0.138964502
3 0.178375227
3.5 0.218729335
4 0.259565211
4.5 0.300707866
5 0.337889656
5.5 0.374052322
6 0.407482428
6.5 0.439181209
7 0.465403076
7.5 0.491199871
8 0.512277063
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
set key top left opaque box width 2
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
set key top left opaque box width 2
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
set key top left opaque box width 2
set grid front
unset colorbox
plot $panel2_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'
unset multiplot
