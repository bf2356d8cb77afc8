# Runtime overhead per operation, with 95% bootstrap intervals.
# gnuplot -e "dat='runtime.dat'; out='runtime.png'" runtime.gp
# Columns of dat: index, operation, autoseal overhead % with interval
# low/high %, control (read-only page, no seal) overhead % with low/high %.
set terminal pngcairo size 850,520 font "sans,11"
set output out
set title "Runtime overhead against no preload (ratio of medians - 1, 95% interval)"
set ylabel "overhead (%)"
set xrange [-0.6:2.6]
set style fill solid 0.6 border -1
set boxwidth 0.3
set grid ytics
set key outside bottom center horizontal
set xtics ("mmap+munmap pair" 0, "mprotect" 1, "dlopen/dlsym/dlclose" 2)
plot dat using ($1-0.16):3 with boxes lc rgb "#4477aa" title "autoseal (default)", \
     dat using ($1-0.16):3:4:5 with yerrorbars lc rgb "black" pt 0 lw 2 notitle, \
     dat using ($1+0.16):6 with boxes lc rgb "#bbbbbb" title "control: read-only page, no seal", \
     dat using ($1+0.16):6:7:8 with yerrorbars lc rgb "black" pt 0 lw 2 notitle, \
     3 with lines dt 2 lc rgb "red" lw 2 title "target +3%", \
     0 with lines lc rgb "gray" notitle
