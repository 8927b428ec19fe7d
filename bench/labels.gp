# SPDX-License-Identifier: LGPL-2.1-or-later
# One line per label of a bench_wire CSV (label,kind,clients,per_s,...):
# per second against concurrent clients.
#   gnuplot -e "csv='wire.csv'; png='wire.png'; labels='floor-tcp tcp'; heading='...'; ylab='...'" bench/labels.gp
if (!exists("ylab")) ylab = "completed per second"
if (!exists("heading")) heading = csv
set datafile separator ","
set terminal pngcairo size 900,560 noenhanced
set output png
set title heading
set key outside right top
set grid
set logscale x 2
set offsets graph 0.05, graph 0.05, 0, 0
set yrange [0:*]
set xlabel "concurrent clients (threads)"
set ylabel ylab
# each label's rows through grep: a filter in `using` would break the lines
plot for [l in labels] '< grep "^'.l.',"  '.csv using 3:4 with linespoints title l
