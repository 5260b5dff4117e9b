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
5 1.48163777
6 1.444481
7 1.42697157
8 1.41054344
9 1.3869379
10 1.38009759
EOD
$panel0_series1 << EOD
1 2.10186817
2 1.65321201
3 1.49200463
4 1.41495182
5 1.2903967
6 1.2449058
7 1.23484528
8 1.21337341
9 1.19443281
10 1.1891809
EOD
$panel0_series2 << EOD
1 2.1450341
2 1.6939486
3 1.5289225
4 1.4377883
5 1.30275765
6 1.25695413
7 1.24465835
8 1.22661965
9 1.2051678
10 1.19955522
EOD
$panel1_series0 << EOD
1 63.54
2 56.38
3 52.66
4 48.38
5 44.64
6 43.7
7 42.52
8 42.6
9 41.2
10 40.92
EOD
$panel1_series1 << EOD
1 66.7
2 47.34
3 44.22
4 43.46
5 33.8
6 33.06
7 32.5
8 32.42
9 31.74
10 31.7
EOD
$panel1_series2 << EOD
1 61.48
2 48.6
3 44.9
4 42.36
5 36.78
6 34.06
7 33.5
8 34.58
9 34.62
10 35.14
EOD
set multiplot layout 1,2 title 'Training' font ',14'

# panel 0
set title 'training loss'
set xlabel 'epoch'
set xrange [*:*]
set xtics ('1' 1, '2' 2, '3' 3, '4' 4, '5' 5, '6' 6, '7' 7, '8' 8, '9' 9, '10' 10)
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
set xtics ('1' 1, '2' 2, '3' 3, '4' 4, '5' 5, '6' 6, '7' 7, '8' 8, '9' 9, '10' 10)
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
