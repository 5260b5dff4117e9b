# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1040,500 font 'DejaVu Sans,11'
set output 'training.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 1.99671065
2 0.936556085
EOD
$panel0_series1 << EOD
1 1.7486817
2 0.853592288
EOD
$panel0_series2 << EOD
1 1.58132056
2 0.806735465
EOD
$panel0_series3 << EOD
1 1.70510384
2 0.960897081
EOD
$panel0_series4 << EOD
1 1.63461585
2 0.834750847
EOD
$panel1_series0 << EOD
1 60.7
2 27.5
EOD
$panel1_series1 << EOD
1 38.3
2 21.5
EOD
$panel1_series2 << EOD
1 27
2 19.8
EOD
$panel1_series3 << EOD
1 36.9
2 30
EOD
$panel1_series4 << EOD
1 60.9
2 21.6
EOD
set multiplot layout 1,2 title 'Training' font ',14'

# panel 0
set title 'training loss'
set xlabel 'epoch'
set xrange [*:*]
set xtics ('1' 1, '2' 2)
unset logscale x
set ylabel 'cross-entropy (mean over the epoch)'
set yrange [*:*]
set ytics autofreq
unset logscale y
set size noratio
set key top right opaque box width 2
set grid front
unset colorbox
plot $panel0_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18', \
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wy', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wy_mod', \
     $panel0_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18zh3', \
     $panel0_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod'

# panel 1
set title 'validation top-1 error'
set xlabel 'epoch'
set xrange [*:*]
set xtics ('1' 1, '2' 2)
unset logscale x
set ylabel 'top-1 error (%)'
set yrange [*:*]
set ytics autofreq
unset logscale y
set size noratio
set key top right opaque box width 2
set grid front
unset colorbox
plot $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18', \
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wy', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wy_mod', \
     $panel1_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18zh3', \
     $panel1_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod'
unset multiplot
