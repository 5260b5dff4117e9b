# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 4.21052632 3.20175439 5.26315789
2 7.46867168 5.71303258 9.37343358
3 9.53216374 7.25146199 11.9298246
4 11.7192982 8.77192982 14.7368421
EOD
$panel0_series1 << EOD
1 5.39473684 4.12280702 6.71162281
2 7.26817043 5.61278195 8.97243108
3 9.8245614 7.60233918 12.1067251
4 11.7192982 9.04912281 14.3175439
EOD
$panel0_series2 << EOD
1 5 3.81578947 6.09758772
2 8.52130326 6.56516291 10.4260652
3 11.1111111 8.5380117 13.5102339
4 12.8421053 9.96491228 15.8596491
EOD
$panel0_series3 << EOD
1 3.72807018 2.89473684 4.64912281
2 6.96741855 5.36340852 8.67293233
3 9.59064327 7.36842105 11.9883041
4 12.2105263 9.40350877 15.2298246
EOD
$panel0_series4 << EOD
1 3.24561404 2.45504386 4.12280702
2 5.76441103 4.26065163 7.36842105
3 7.95321637 5.90497076 10.2923977
4 9.8245614 7.36842105 12.6315789
EOD
$panel0_series5 << EOD
1 5.57017544 4.38486842 6.79824561
2 9.77443609 7.86842105 11.7305764
3 13.3918129 10.5847953 16.1403509
4 16.0701754 12.7 19.3719298
EOD
$panel0_series6 << EOD
1 4.12280702 3.15789474 5.17653509
2 7.46867168 5.76441103 9.27318296
3 10 7.71783626 12.3406433
4 12.2807018 9.33333333 15.1578947
EOD
$panel1_series0 << EOD
1 5.48245614 4.21052632 6.84210526
2 9.37343358 7.31829574 11.679198
3 12.4561404 9.64766082 15.4385965
4 14.245614 11.0877193 17.4736842
EOD
$panel1_series1 << EOD
1 5.48245614 3.99013158 7.01754386
2 6.91729323 5.16165414 8.82205514
3 9.88304094 7.36695906 12.75
4 10.9473684 8.07017544 14.1052632
EOD
$panel1_series2 << EOD
1 4.34210526 3.15679825 5.57017544
2 7.26817043 5.31328321 9.27318296
3 9.47368421 6.9005848 12.1052632
4 10.877193 7.99824561 13.6842105
EOD
$panel1_series3 << EOD
1 4.95614035 3.81578947 6.09649123
2 8.02005013 6.11528822 10.0250627
3 10.3508772 8.01023392 12.9254386
4 11.3684211 8.70175439 14.1052632
EOD
$panel1_series4 << EOD
1 3.42105263 2.5 4.38596491
2 5.86466165 4.26065163 7.56892231
3 7.89473684 5.84649123 10.2339181
4 9.19298246 6.73684211 11.9298246
EOD
$panel1_series5 << EOD
1 4.69298246 3.55263158 5.87828947
2 8.27067669 6.16541353 10.4774436
3 10.994152 8.1871345 14.0380117
4 11.9298246 8.98070175 15.0175439
EOD
$panel1_series6 << EOD
1 5.26315789 4.07894737 6.79824561
2 8.47117794 6.46616541 10.6779449
3 10.8187135 8.18567251 13.6842105
4 12 8.98245614 15.1578947
EOD
$panel2_series0 << EOD
1 5.92105263 4.60416667 7.23684211
2 9.77443609 7.71929825 11.8822055
3 12.2807018 9.70760234 14.9122807
4 14.1754386 11.0877193 17.2649123
EOD
$panel2_series1 << EOD
1 6.35964912 4.95614035 7.76315789
2 9.97493734 7.91854637 12.1303258
3 12.9824561 10.2923977 15.6725146
4 15.2280702 12 18.5263158
EOD
$panel2_series2 << EOD
1 6.62280702 5.17434211 8.11403509
2 10.9273183 8.62155388 13.2343358
3 14.2105263 11.2865497 17.1359649
4 16.9122807 13.5438596 20.2842105
EOD
$panel2_series3 << EOD
1 6.62280702 5.30592105 8.11403509
2 10.3258145 8.21929825 12.4310777
3 13.7426901 10.994152 16.6081871
4 16.4210526 13.122807 19.7192982
EOD
$panel2_series4 << EOD
1 5.39473684 4.21052632 6.62390351
2 9.47368421 7.46867168 11.5789474
3 12.3976608 9.8245614 15.3216374
4 14.6666667 11.7175439 18.245614
EOD
$panel2_series5 << EOD
1 6.92982456 5.74561404 8.07017544
2 12.8320802 10.726817 15.037594
3 17.4269006 14.5614035 20.4692982
4 19.9298246 16.7719298 23.3684211
EOD
$panel2_series6 << EOD
1 7.14912281 5.65789474 8.77302632
2 11.6290727 9.27318296 14.0864662
3 14.2690058 11.4619883 17.251462
4 16.0701754 12.9105263 19.4385965
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
     $panel0_series3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#d62728' notitle, \
     $panel0_series4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#9467bd' notitle, \
     $panel0_series5 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#8c564b' notitle, \
     $panel0_series6 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#e377c2' notitle, \
     $panel0_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18', \
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
plot $panel1_series0 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#1f77b4' notitle, \
     $panel1_series1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#ff7f0e' notitle, \
     $panel1_series2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#2ca02c' notitle, \
     $panel1_series3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#d62728' notitle, \
     $panel1_series4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#9467bd' notitle, \
     $panel1_series5 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#8c564b' notitle, \
     $panel1_series6 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#e377c2' notitle, \
     $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18', \
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
plot $panel2_series0 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#1f77b4' notitle, \
     $panel2_series1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#ff7f0e' notitle, \
     $panel2_series2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#2ca02c' notitle, \
     $panel2_series3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#d62728' notitle, \
     $panel2_series4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#9467bd' notitle, \
     $panel2_series5 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#8c564b' notitle, \
     $panel2_series6 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb '#e377c2' notitle, \
     $panel2_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18', \
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wy', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wy_mod', \
     $panel2_series3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#d62728' title 'R18zh3', \
     $panel2_series4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#9467bd' title 'R18zh3wy_mod', \
     $panel2_series5 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#8c564b' title 'R18aps3', \
     $panel2_series6 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#e377c2' title 'R18aps3wy_mod'
unset multiplot
