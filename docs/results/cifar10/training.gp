# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1040,500 font 'DejaVu Sans,11'
set output 'training.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 2.31440669
2 1.84422917
3 1.70092265
4 1.60216937
5 1.52706666
6 1.41393688
7 1.37801572
8 1.35818505
9 1.34210431
10 1.32041179
11 1.3039017
12 1.30136942
13 1.2978234
14 1.29517795
15 1.28798104
EOD
$panel0_series1 << EOD
1 2.10186817
2 1.65321201
3 1.49200463
4 1.41495182
5 1.34070096
6 1.22521175
7 1.19581255
8 1.17719885
9 1.16075238
10 1.149527
11 1.1323559
12 1.13078613
13 1.1295804
14 1.12362109
15 1.12231164
EOD
$panel0_series2 << EOD
1 2.1450341
2 1.6939486
3 1.5289225
4 1.4377883
5 1.34961163
6 1.23530716
7 1.20727148
8 1.18646907
9 1.17000135
10 1.15996466
11 1.14085949
12 1.14404623
13 1.13934093
14 1.13559518
15 1.13214428
EOD
$panel1_series0 << EOD
1 63.54
2 56.38
3 52.66
4 48.38
5 50
6 40.62
7 40.44
8 40.08
9 39.1
10 38.12
11 37.58
12 37.64
13 37.54
14 37.38
15 37.2
EOD
$panel1_series1 << EOD
1 66.7
2 47.34
3 44.22
4 43.46
5 42.1
6 31.7
7 31.08
8 30.34
9 30.02
10 29.98
11 29.52
12 29.04
13 29.38
14 29.38
15 29.1
EOD
$panel1_series2 << EOD
1 61.48
2 48.6
3 44.9
4 42.36
5 38.26
6 32.5
7 31.54
8 31.12
9 30.38
10 31.38
11 30.32
12 30.28
13 30.6
14 29.84
15 30.2
EOD
set multiplot layout 1,2 title 'Training' font ',14'

# panel 0
set title 'training loss'
set xlabel 'epoch'
set xrange [*:*]
set xtics autofreq
unset logscale x
set ylabel 'cross-entropy (mean over the epoch)'
set yrange [*:*]
set ytics autofreq
unset logscale y
set size noratio
set key top right opaque box width 2
set grid front
unset colorbox
plot $panel0_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'

# panel 1
set title 'validation top-1 error'
set xlabel 'epoch'
set xrange [*:*]
set xtics autofreq
unset logscale x
set ylabel 'top-1 error (%)'
set yrange [*:*]
set ytics autofreq
unset logscale y
set size noratio
set key top right opaque box width 2
set grid front
unset colorbox
plot $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'
unset multiplot
