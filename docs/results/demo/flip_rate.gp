# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 5
2 9.03225806
3 12.5806452
4 15.3978495
EOD
$panel0_series1 << EOD
1 4.89247312
2 7.15821813
3 10.2150538
4 12.516129
EOD
$panel0_series2 << EOD
1 3.5483871
2 6.29800307
3 9.03225806
4 11.655914
EOD
$panel0_series3 << EOD
1 5.02688172
2 9.49308756
3 13.8351254
4 18.1935484
EOD
$panel0_series4 << EOD
1 3.06451613
2 5.56067588
3 7.95698925
4 9.76344086
EOD
$panel1_series0 << EOD
1 5.45698925
2 9.0015361
3 11.0394265
4 12.5591398
EOD
$panel1_series1 << EOD
1 5.1344086
2 5.86789555
3 8.2437276
4 9.33333333
EOD
$panel1_series2 << EOD
1 3.33333333
2 5.37634409
3 6.70250896
4 7.48387097
EOD
$panel1_series3 << EOD
1 3.79032258
2 6.57450077
3 8.96057348
4 10.2795699
EOD
$panel1_series4 << EOD
1 3.41397849
2 5.19201229
3 6.4516129
4 7.2688172
EOD
$panel2_series0 << EOD
1 7.04301075
2 11.5514593
3 15.2688172
4 18.1075269
EOD
$panel2_series1 << EOD
1 5.72580645
2 8.8172043
3 12.1505376
4 14.8817204
EOD
$panel2_series2 << EOD
1 4.81182796
2 7.92626728
3 10.609319
4 12.688172
EOD
$panel2_series3 << EOD
1 5.21505376
2 8.97081413
3 12.2222222
4 15.5268817
EOD
$panel2_series4 << EOD
1 4.03225806
2 6.42089094
3 8.42293907
4 10.2365591
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
