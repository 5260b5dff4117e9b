# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 4.20258621
2 7.82019704
3 10.8836207
4 13.5344828
EOD
$panel0_series1 << EOD
1 4.63362069
2 6.61945813
3 8.87212644
4 10.4310345
EOD
$panel0_series2 << EOD
1 5.76508621
2 10.4371921
3 14.1522989
4 17.8448276
EOD
$panel0_series3 << EOD
1 3.31357759
2 6.40394089
3 8.8362069
4 10.9913793
EOD
$panel0_series4 << EOD
1 3.09806034
2 5.69581281
3 8.04597701
4 10
EOD
$panel1_series0 << EOD
1 4.84913793
2 8.43596059
3 11.170977
4 13.2758621
EOD
$panel1_series1 << EOD
1 6.33081897
2 8.80541872
3 11.3864943
4 12.887931
EOD
$panel1_series2 << EOD
1 7.92025862
2 12.9002463
3 17.0617816
4 19.3534483
EOD
$panel1_series3 << EOD
1 3.77155172
2 6.09605911
3 8.76436782
4 11.1637931
EOD
$panel1_series4 << EOD
1 3.3674569
2 6.18842365
3 8.26149425
4 9.31034483
EOD
$panel2_series0 << EOD
1 6.76185345
2 11.4839901
3 14.6551724
4 17.1982759
EOD
$panel2_series1 << EOD
1 5.95366379
2 8.49753695
3 10.5603448
4 12.2844828
EOD
$panel2_series2 << EOD
1 11.0991379
2 17.6108374
3 22.9885057
4 26.2931034
EOD
$panel2_series3 << EOD
1 4.1487069
2 7.48152709
3 10.308908
4 12.8448276
EOD
$panel2_series4 << EOD
1 5.19935345
2 9.02093596
3 11.3864943
4 13.1896552
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
plot $panel0_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18', \
     $panel0_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wy', \
     $panel0_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wy_mod', \
     $panel0_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18zh3', \
     $panel0_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod'

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
plot $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18', \
     $panel1_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wy', \
     $panel1_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wy_mod', \
     $panel1_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18zh3', \
     $panel1_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod'

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
plot $panel2_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18', \
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wy', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wy_mod', \
     $panel2_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18zh3', \
     $panel2_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod'
unset multiplot
