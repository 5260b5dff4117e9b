# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 10.375 8.8125 12
2 19.5 16.6428571 22.3571429
3 27.3333333 23.5 31.25
4 34.4 29.7 39.1
EOD
$panel0_series1 << EOD
1 10.1875 8.5625 11.8140625
2 18 15.2125 20.7857143
3 24.5833333 20.9979167 28.3333333
4 30.1 25.6 34.6025
EOD
$panel0_series2 << EOD
1 6.8125 5.5625 8.3125
2 11.9285714 9.71428571 14.5714286
3 15.4166667 12.4166667 18.66875
4 18.5 14.7 22.3
EOD
$panel1_series0 << EOD
1 6.6875 5.4375 8.0640625
2 12.3571429 9.92678571 14.7857143
3 17.3333333 13.9166667 20.7520833
4 21.3 17.1 25.4025
EOD
$panel1_series1 << EOD
1 8.0625 6.4375 9.75
2 12.7857143 10.3571429 15.4285714
3 16.6666667 13.6666667 20.0854167
4 19.6 15.8975 23.6025
EOD
$panel1_series2 << EOD
1 4.8125 3.75 6
2 9.57142857 7.5 11.8589286
3 13.6666667 10.75 17
4 16.6 12.9975 20.7
EOD
$panel2_series0 << EOD
1 13.9375 12.0609375 15.8125
2 24.5714286 21.6410714 27.5732143
3 33.25 29.4145833 37.3333333
4 41.2 36.6 45.9025
EOD
$panel2_series1 << EOD
1 12.9375 10.9375 14.9375
2 21.4285714 18.4285714 24.4285714
3 27.75 24.25 31.5
4 35.2 30.795 40.1
EOD
$panel2_series2 << EOD
1 8.0625 6.6859375 9.625
2 15.0714286 12.5714286 18.0714286
3 20.3333333 16.9145833 24.4166667
4 24.6 20.4 29.3025
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
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC_mod', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18aps3C'

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
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC_mod', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18aps3C'

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
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC_mod', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18aps3C'
unset multiplot
