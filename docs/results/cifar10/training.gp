# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1040,500 font 'DejaVu Sans,11'
set output 'training.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 2.30344474
2 1.82461061
3 1.75741912
EOD
$panel0_series1 << EOD
1 2.11978619
2 1.59613445
3 1.54607084
EOD
$panel0_series2 << EOD
1 2.15863101
2 1.6591057
3 1.61341747
EOD
$panel1_series0 << EOD
1 64.36
2 57.7
3 57.28
EOD
$panel1_series1 << EOD
1 68.6
2 59.32
3 61.46
EOD
$panel1_series2 << EOD
1 63.34
2 58.74
3 58.02
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
set key top right opaque box
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
set key top right opaque box
set grid front
unset colorbox
plot $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'
unset multiplot
