# SPDX-License-Identifier: LGPL-2.1-or-later
# Plots of bench/run.sh's CSV files: gnuplot -e "dir='bench/results'" bench/plot.gp
if (!exists("dir")) dir = "bench/results"
set datafile separator ","
set terminal pngcairo size 900,560 noenhanced
set key top left
set grid

set output dir."/latency.png"
set title "OpenClusterEx + GetClusterInformation + CloseCluster: latency against concurrent clients"
set logscale xy
set xlabel "concurrent clients (threads, each its own session)"
set ylabel "latency (microseconds)"
plot dir."/latency.csv" using (strcol(1) eq "lpc" ? $2 : NaN):4 every ::1 with linespoints title "LPC p50", \
     ''                 using (strcol(1) eq "lpc" ? $2 : NaN):6 every ::1 with linespoints title "LPC p99", \
     ''                 using (strcol(1) eq "tcp" ? $2 : NaN):4 every ::1 with linespoints title "TCP p50", \
     ''                 using (strcol(1) eq "tcp" ? $2 : NaN):6 every ::1 with linespoints title "TCP p99"

set output dir."/writes.png"
set title "Durable writes (resource creations) against concurrent writers"
unset logscale y
set logscale x 2
set xlabel "concurrent writers (processes, each its own LPC connection)"
set ylabel "creations per second (each on disk before its answer)"
plot dir."/writes.csv" every ::1 using 1:2 with linespoints title "writes/s"
