# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 11.8375 10.8875 12.8503125
2 17.8285714 16.3853571 19.2860714
3 21.9666667 20.3329167 23.5833333
4 25.48 23.52 27.4015
EOD
$panel0_series1 << EOD
1 11.05 10.0621875 12.1128125
2 14.7142857 13.4425 16.0007143
3 19.2333333 17.6495833 20.8341667
4 21.8 19.8795 23.7205
EOD
$panel0_series2 << EOD
1 7.9625 7.236875 8.7625
2 13.4714286 12.2567857 14.7571429
3 17.1666667 15.6333333 18.83375
4 20.18 18.4 22.08
EOD
$panel1_series0 << EOD
1 10.6125 9.7246875 11.5753125
2 15.1285714 13.8282143 16.4432143
3 18.5833333 17.09875 20.1508333
4 20.7 18.88 22.4
EOD
$panel1_series1 << EOD
1 11.6125 10.4496875 12.7378125
2 13.4714286 12.2139286 14.6860714
3 17.5166667 15.8166667 19.05
4 18.7 16.9395 20.2805
EOD
$panel1_series2 << EOD
1 7.525 6.7 8.35
2 12.1 10.8714286 13.3432143
3 15.45 13.91625 16.9670833
4 17.94 16.1595 19.72
EOD
$panel2_series0 << EOD
1 14.5875 13.4875 15.7009375
2 20.9428571 19.4857143 22.4289286
3 26.2166667 24.3829167 28.0666667
4 29.26 27.26 31.36
EOD
$panel2_series1 << EOD
1 12.725 11.6621875 13.6759375
2 18.4571429 17.0278571 19.8146429
3 22.7166667 20.965 24.4170833
4 26.14 24.18 28.18
EOD
$panel2_series2 << EOD
1 10.1375 9.3 10.9125
2 16.4857143 15.1285714 17.7003571
3 21.0166667 19.36625 22.6004167
4 24.96 23.0595 26.8205
EOD
set multiplot layout 1,3 title 'Flip rate against shift step' font ',14'

# panel 0
set title 'vertical'
set xlabel 'step (pixels)'
set xrange [*:*]
set xtics ('1' 1, '2' 2, '3' 3, '4' 4)
unset logscale x
set ylabel 'flip rate (%)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key bottom right opaque box width 2
set grid front
unset colorbox
plot $panel0_series0 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#1f77b4' notitle, \
     $panel0_series1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#ff7f0e' notitle, \
     $panel0_series2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#2ca02c' notitle, \
     $panel0_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'

# panel 1
set title 'horizontal'
set xlabel 'step (pixels)'
set xrange [*:*]
set xtics ('1' 1, '2' 2, '3' 3, '4' 4)
unset logscale x
set ylabel 'flip rate (%)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key bottom right opaque box width 2
set grid front
unset colorbox
plot $panel1_series0 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#1f77b4' notitle, \
     $panel1_series1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#ff7f0e' notitle, \
     $panel1_series2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#2ca02c' notitle, \
     $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'

# panel 2
set title 'diagonal'
set xlabel 'step (pixels)'
set xrange [*:*]
set xtics ('1' 1, '2' 2, '3' 3, '4' 4)
unset logscale x
set ylabel 'flip rate (%)'
set yrange [0:*]
set ytics autofreq
unset logscale y
set size noratio
set key bottom right opaque box width 2
set grid front
unset colorbox
plot $panel2_series0 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#1f77b4' notitle, \
     $panel2_series1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#ff7f0e' notitle, \
     $panel2_series2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#2ca02c' notitle, \
     $panel2_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'
unset multiplot
