# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 4.88095238
2 9.20634921
3 12.962963
4 16.6984127
EOD
$panel0_series1 << EOD
1 5.83333333
2 9.29705215
3 13.5978836
4 17.5238095
EOD
$panel0_series2 << EOD
1 4.68253968
2 8.70748299
3 12.6984127
4 16
EOD
$panel0_series3 << EOD
1 3.69047619
2 6.66666667
3 9.89417989
4 12.3174603
EOD
$panel0_series4 << EOD
1 3.57142857
2 6.93877551
3 10
4 12.6984127
EOD
$panel0_series5 << EOD
1 4.12698413
2 7.25623583
3 9.94708995
4 12.4444444
EOD
$panel0_series6 << EOD
1 5.03968254
2 8.43537415
3 11.005291
4 13.5238095
EOD
$panel1_series0 << EOD
1 5.63492063
2 8.29931973
3 10.8465608
4 12.6349206
EOD
$panel1_series1 << EOD
1 6.58730159
2 8.11791383
3 10.5291005
4 11.2380952
EOD
$panel1_series2 << EOD
1 3.96825397
2 6.12244898
3 8.0952381
4 9.33333333
EOD
$panel1_series3 << EOD
1 4.56349206
2 8.29931973
3 10.6349206
4 12.0634921
EOD
$panel1_series4 << EOD
1 3.53174603
2 5.94104308
3 7.88359788
4 9.07936508
EOD
$panel1_series5 << EOD
1 4.12698413
2 6.84807256
3 8.46560847
4 8.76190476
EOD
$panel1_series6 << EOD
1 5.67460317
2 9.569161
3 11.4814815
4 12.8253968
EOD
$panel2_series0 << EOD
1 8.25396825
2 13.9229025
3 17.4074074
4 20.7619048
EOD
$panel2_series1 << EOD
1 6.66666667
2 11.3378685
3 15.6613757
4 18.984127
EOD
$panel2_series2 << EOD
1 6.23015873
2 10.3854875
3 13.8624339
4 17.3333333
EOD
$panel2_series3 << EOD
1 6.46825397
2 11.0204082
3 14.4444444
4 16.2539683
EOD
$panel2_series4 << EOD
1 4.84126984
2 8.5260771
3 11.6402116
4 14.3492063
EOD
$panel2_series5 << EOD
1 6.23015873
2 10.2494331
3 13.5978836
4 15.8095238
EOD
$panel2_series6 << EOD
1 7.61904762
2 12.3356009
3 15.7142857
4 18.2857143
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
     $panel0_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod', \
     $panel0_series5 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#8c564b' title 'R18aps3', \
     $panel0_series6 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#e377c2' title 'R18aps3wy_mod'

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
     $panel1_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod', \
     $panel1_series5 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#8c564b' title 'R18aps3', \
     $panel1_series6 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#e377c2' title 'R18aps3wy_mod'

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
     $panel2_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod', \
     $panel2_series5 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#8c564b' title 'R18aps3', \
     $panel2_series6 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#e377c2' title 'R18aps3wy_mod'
unset multiplot
