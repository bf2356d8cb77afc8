# Startup time against the number of shared libraries, per configuration.
# gnuplot -e "dat='startup.dat'; out='startup.png'" startup.gp
# Columns of dat: N, then median/p10/p90 (us) for none, empty, default,
# strict, then ratio/lo/hi for default/empty and strict/empty.
set terminal pngcairo size 900,900 font "sans,11"
set output out
set multiplot layout 2,1
set logscale xy
set xrange [0.7:800]
set grid
set key top left
set title "Startup (exec + exit) against DT\\_NEEDED libraries: median, p10-p90"
set xlabel "shared libraries linked (N)"
set ylabel "time (ms)"
plot dat using 1:($2/1000):($3/1000):($4/1000) with yerrorlines lw 2 pt 7 title "no preload", \
     dat using ($1*1.04):($5/1000):($6/1000):($7/1000) with yerrorlines lw 2 pt 5 title "empty preload", \
     dat using ($1*1.08):($8/1000):($9/1000):($10/1000) with yerrorlines lw 2 pt 9 title "autoseal default", \
     dat using ($1*1.12):($11/1000):($12/1000):($13/1000) with yerrorlines lw 2 pt 11 title "autoseal strict"
unset logscale y
set title "autoseal / empty preload (ratio of medians, 95% bootstrap interval)"
set ylabel "ratio"
set yrange [*:*]
plot 1.05 with lines dt 2 lc rgb "red" lw 2 title "target 1.05 (/bin/true-sized)", \
     1.0 with lines lc rgb "gray" notitle, \
     dat using 1:14:15:16 with yerrorlines lw 2 pt 9 lc 3 title "autoseal default", \
     dat using ($1*1.06):17:18:19 with yerrorlines lw 2 pt 11 lc 4 title "autoseal strict"
unset multiplot
