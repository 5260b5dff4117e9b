# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 10.375
2 19.5
3 27.3333333
4 34.4
EOD
$panel0_series1 << EOD
1 12
2 15.4285714
3 21.5833333
4 25.3
EOD
$panel0_series2 << EOD
1 10.1875
2 18
3 24.5833333
4 30.1
EOD
$panel0_series3 << EOD
1 6.8125
2 11.9285714
3 15.4166667
4 18.5
EOD
$panel0_series4 << EOD
1 8.375
2 14.2142857
3 17.9166667
4 23.2
EOD
$panel1_series0 << EOD
1 6.6875
2 12.3571429
3 17.3333333
4 21.3
EOD
$panel1_series1 << EOD
1 13.25
2 14.7857143
3 19.3333333
4 20.2
EOD
$panel1_series2 << EOD
1 8.0625
2 12.7857143
3 16.6666667
4 19.6
EOD
$panel1_series3 << EOD
1 4.8125
2 9.57142857
3 13.6666667
4 16.6
EOD
$panel1_series4 << EOD
1 10.4375
2 15.7857143
3 19.0833333
4 21.8
EOD
$panel2_series0 << EOD
1 13.9375
2 24.5714286
3 33.25
4 41.2
EOD
$panel2_series1 << EOD
1 14.75
2 21.5714286
3 28.1666667
4 33.2
EOD
$panel2_series2 << EOD
1 12.9375
2 21.4285714
3 27.75
4 35.2
EOD
$panel2_series3 << EOD
1 8.0625
2 15.0714286
3 20.3333333
4 24.6
EOD
$panel2_series4 << EOD
1 11.5
2 19.8571429
3 25.3333333
4 29.6
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
plot $panel0_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod', \
     $panel0_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18aps3C', \
     $panel0_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18aps3wyC_mod'

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
plot $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod', \
     $panel1_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18aps3C', \
     $panel1_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18aps3wyC_mod'

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
plot $panel2_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod', \
     $panel2_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18aps3C', \
     $panel2_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18aps3wyC_mod'
unset multiplot
