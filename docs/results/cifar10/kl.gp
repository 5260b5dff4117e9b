# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'kl.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
0 0
0.5 0.00724899333
1 0.0238108442
1.5 0.0436619089
2 0.0643976874
2.5 0.0888399379
3 0.113387465
3.5 0.137122635
4 0.161289023
4.5 0.189546219
5 0.216332341
5.5 0.243523054
6 0.271215882
6.5 0.299386391
7 0.325956266
7.5 0.350597412
8 0.374713322
EOD
$panel0_series1 << EOD
0 0
0.5 0.0105581853
1 0.0291297945
1.5 0.0475049055
2 0.0648740966
2.5 0.0878888532
3 0.112116762
3.5 0.136652999
4 0.160579556
4.5 0.192533411
5 0.22777191
5.5 0.256348615
6 0.278656978
6.5 0.302998607
7 0.330056952
7.5 0.352418692
8 0.37384159
EOD
$panel0_series2 << EOD
0 0
0.5 0.00448816956
1 0.0164119326
1.5 0.0329297349
2 0.0523462887
2.5 0.0739790262
3 0.0977461334
3.5 0.122483577
4 0.148517314
4.5 0.174519521
5 0.201045402
5.5 0.226024804
6 0.251158202
6.5 0.275289703
7 0.299665096
7.5 0.326564992
8 0.353932749
EOD
$panel1_series0 << EOD
0 0
0.5 0.00712135058
1 0.0213828848
1.5 0.0355867678
2 0.0495459497
2.5 0.0653195471
3 0.0776013541
3.5 0.0865430956
4 0.0976340324
4.5 0.114913794
5 0.133746483
5.5 0.152466991
6 0.168959041
6.5 0.18559121
7 0.197121815
7.5 0.205467937
8 0.214361676
EOD
$panel1_series1 << EOD
0 0
0.5 0.0121010801
1 0.0296653264
1.5 0.0416647349
2 0.0509477673
2.5 0.0676646344
3 0.0840291035
3.5 0.0952798704
4 0.10643218
4.5 0.13126943
5 0.156354468
5.5 0.176268512
6 0.190501843
6.5 0.210963483
7 0.227077088
7.5 0.244187642
8 0.259108498
EOD
$panel1_series2 << EOD
0 0
0.5 0.00387505999
1 0.0136940009
1.5 0.0273826318
2 0.0416892686
2.5 0.0567857848
3 0.0717572802
3.5 0.0871757515
4 0.101986374
4.5 0.11938478
5 0.137479537
5.5 0.156800221
6 0.175567905
6.5 0.192859466
7 0.208490681
7.5 0.224946551
8 0.241070684
EOD
$panel2_series0 << EOD
0 0
0.5 0.0139594457
1 0.0432829924
1.5 0.0763510985
2 0.110391841
2.5 0.146036457
3 0.178450065
3.5 0.204688246
4 0.233723538
4.5 0.270308069
5 0.302971035
5.5 0.337447422
6 0.375038144
6.5 0.411825373
7 0.435477698
7.5 0.455656687
8 0.484301846
EOD
$panel2_series1 << EOD
0 0
0.5 0.0198610025
1 0.0483953626
1.5 0.0807379014
2 0.109924189
2.5 0.145773303
3 0.180956596
3.5 0.218088645
4 0.253615536
4.5 0.301155612
5 0.344282267
5.5 0.385429926
6 0.420072999
6.5 0.4539955
7 0.481383781
7.5 0.505565711
8 0.526614985
EOD
$panel2_series2 << EOD
0 0
0.5 0.00808011075
1 0.0295233061
1.5 0.0583469223
2 0.0915922618
2.5 0.12663071
3 0.163896331
3.5 0.201817245
4 0.23940651
4.5 0.279097734
5 0.318343126
5.5 0.356248752
6 0.391868655
6.5 0.424859466
7 0.454098457
7.5 0.483065095
8 0.507935165
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
