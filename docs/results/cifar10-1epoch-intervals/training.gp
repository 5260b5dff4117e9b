# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1040,500 font 'DejaVu Sans,11'
set output 'training.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 2.28896432
EOD
$panel0_series1 << EOD
1 2.11673591
EOD
$panel0_series2 << EOD
1 2.53564925
EOD
$panel1_series0 << EOD
1 65.94
EOD
$panel1_series1 << EOD
1 57.7
EOD
$panel1_series2 << EOD
1 74.6
EOD
set multiplot layout 1,2 title 'Training' font ',14'

# panel 0
set title 'training loss'
set xlabel 'epoch'
set xrange [*:*]
set xtics ('1' 1)
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
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC_mod', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18aps3C'

# panel 1
set title 'validation top-1 error'
set xlabel 'epoch'
set xrange [*:*]
set xtics ('1' 1)
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
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC_mod', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18aps3C'
unset multiplot
