# SPDX-License-Identifier: LGPL-2.1-or-later
# clusterd's memory against open handles (bench_wire handles):
#   gnuplot -e "dir='bench/results'" bench/handles.gp
if (!exists("dir")) dir = "bench/results"
set datafile separator ","
set terminal pngcairo size 900,560 noenhanced
set output dir."/handles.png"
set title "clusterd VmRSS against open resource handles (one LPC connection)"
set key top left
set grid
set logscale x 10
set xlabel "open handles"
set ylabel "VmRSS (MiB)"
set y2label "bytes per handle (RSS growth / handles)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
plot dir."/handles.csv" every ::1 using 1:($2/1024) with linespoints axes x1y1 title "VmRSS", \
     ''                  every ::1 using 1:3 with linespoints axes x1y2 title "bytes per handle"
