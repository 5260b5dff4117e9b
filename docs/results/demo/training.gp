# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1040,500 font 'DejaVu Sans,11'
set output 'training.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 1.38989748
2 0.843108041
EOD
$panel0_series1 << EOD
1 1.37445753
2 0.787446389
EOD
$panel0_series2 << EOD
1 1.34501123
2 0.749658135
EOD
$panel0_series3 << EOD
1 1.6958263
2 0.988953402
EOD
$panel0_series4 << EOD
1 1.24640114
2 0.779440975
EOD
$panel0_series5 << EOD
1 1.84489481
2 1.12419978
EOD
$panel0_series6 << EOD
1 1.61355648
2 0.964314889
EOD
$panel1_series0 << EOD
1 29.9
2 25.7
EOD
$panel1_series1 << EOD
1 28.8
2 21.9
EOD
$panel1_series2 << EOD
1 21.7
2 18.1
EOD
$panel1_series3 << EOD
1 40.3
2 31.3
EOD
$panel1_series4 << EOD
1 25.6
2 22.9
EOD
$panel1_series5 << EOD
1 53.5
2 38.5
EOD
$panel1_series6 << EOD
1 36.8
2 32.8
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
     $panel0_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod', \
     $panel0_series5 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#8c564b' title 'R18aps3', \
     $panel0_series6 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#e377c2' title 'R18aps3wy_mod'

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
     $panel1_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod', \
     $panel1_series5 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#8c564b' title 'R18aps3', \
     $panel1_series6 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#e377c2' title 'R18aps3wy_mod'
unset multiplot
