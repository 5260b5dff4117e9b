# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 10.05
2 17.8285714
3 23.9
4 29.68
EOD
$panel0_series1 << EOD
1 12.85
2 17.3857143
3 23.6333333
4 27.68
EOD
$panel0_series2 << EOD
1 9.275
2 16.1857143
3 22
4 26.66
EOD
$panel1_series0 << EOD
1 7.2875
2 12.5285714
3 16.6
4 19.94
EOD
$panel1_series1 << EOD
1 14.6875
2 16.4428571
3 21.1
4 21.52
EOD
$panel1_series2 << EOD
1 7.9625
2 13.2857143
3 17.1333333
4 20.3
EOD
$panel2_series0 << EOD
1 12.975
2 22.2285714
3 29.2833333
4 35.08
EOD
$panel2_series1 << EOD
1 16.075
2 22.6857143
3 28.65
4 32.82
EOD
$panel2_series2 << EOD
1 12.1625
2 20.4571429
3 27.45
4 32.96
EOD
set multiplot layout 1,3 title 'Flip rate against shift step' font ',14'

# panel 0
set title 'vertical'
set xlabel 'step (pixels)'
set xrange [*:*]
set xtics autofreq
unset logscale x
set ylabel 'flip rate (%)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key bottom right opaque box
set grid front
unset colorbox
plot $panel0_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'

# panel 1
set title 'horizontal'
set xlabel 'step (pixels)'
set xrange [*:*]
set xtics autofreq
unset logscale x
set ylabel 'flip rate (%)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key bottom right opaque box
set grid front
unset colorbox
plot $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'

# panel 2
set title 'diagonal'
set xlabel 'step (pixels)'
set xrange [*:*]
set xtics autofreq
unset logscale x
set ylabel 'flip rate (%)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key bottom right opaque box
set grid front
unset colorbox
plot $panel2_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'
unset multiplot
