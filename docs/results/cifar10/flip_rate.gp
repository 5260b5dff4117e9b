# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.
set encoding utf8
set terminal pngcairo noenhanced size 1560,500 font 'DejaVu Sans,11'
set output 'flip_rate.png'
set datafile missing 'NaN'
$panel0_series0 << EOD
1 10.7875
2 16.4285714
3 20.7
4 24.28
EOD
$panel0_series1 << EOD
1 9.6625
2 13.6571429
3 17.7666667
4 20.34
EOD
$panel0_series2 << EOD
1 7.975
2 13.8428571
3 18
4 22.26
EOD
$panel1_series0 << EOD
1 10.775
2 14.9714286
3 18.1166667
4 20.34
EOD
$panel1_series1 << EOD
1 9.525
2 12.8
3 16.2166667
4 18.1
EOD
$panel1_series2 << EOD
1 7.3625
2 12.5285714
3 16.0333333
4 19.38
EOD
$panel2_series0 << EOD
1 14.55
2 21
3 25.3666667
4 28.32
EOD
$panel2_series1 << EOD
1 12.075
2 17.1428571
3 21.1333333
4 24.66
EOD
$panel2_series2 << EOD
1 10.1
2 17.1
3 22.3333333
4 26.36
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
plot $panel1_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
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
plot $panel2_series0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#1f77b4' title 'R18C', \
     $panel2_series1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#ff7f0e' title 'R18wyC', \
     $panel2_series2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb '#2ca02c' title 'R18wyC_mod'
unset multiplot
