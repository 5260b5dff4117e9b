# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1040,500 font 'DejaVu Sans,11'
set output 'training.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 2.28896432
2 1.84160294
3 1.70651906
4 1.63273771
5 1.55730717
6 1.43408495
7 1.40614255
8 1.38793317
9 1.36627814
10 1.34806635
11 1.32966748
12 1.32602727
13 1.32377754
14 1.31853432
15 1.31604797
EOD
$panel0_series1 << EOD
1 2.09131185
2 1.71088468
3 1.52265951
4 1.42874265
5 1.35030949
6 1.23527322
7 1.20578186
8 1.18822462
9 1.17204458
10 1.16104144
11 1.14730794
12 1.14316023
13 1.14523944
14 1.13519757
15 1.13547336
EOD
$panel0_series2 << EOD
1 2.11673591
2 1.67296767
3 1.4892753
4 1.41048412
5 1.33297949
6 1.21093756
7 1.17944186
8 1.16508356
9 1.14704748
10 1.1363279
11 1.1191247
12 1.11788621
13 1.11741798
14 1.11329581
15 1.10806513
EOD
$panel1_series0 << EOD
1 65.94
2 56.92
3 53.74
4 51.48
5 47.04
6 42.44
7 41.3
8 41.36
9 39.48
10 38.88
11 38.5
12 38.44
13 38.6
14 38.16
15 38.18
EOD
$panel1_series1 << EOD
1 69.08
2 49.74
3 43.32
4 54
5 41.76
6 32.32
7 32.52
8 31.98
9 31.3
10 31.36
11 30.8
12 30.28
13 30.86
14 30.22
15 30.46
EOD
$panel1_series2 << EOD
1 57.7
2 47.94
3 40.7
4 39.38
5 36.26
6 31.22
7 30.66
8 30.74
9 30.38
10 29.7
11 29.56
12 29.58
13 29.44
14 29.18
15 29.34
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
