# fsvm bench --plot: device sim (simulated), host vm, commit c6b390b39553, 2026-12-04T20:05:08Z
# each point: median (min, max) of 5 runs
# columns: (gnuplot script; run in this directory)
set terminal pngcairo size 800,480 font ',10'
set grid
set key top left
set logscale x 2
set format x '2^{%L}'

set output 'chase.png'
set title 'pointer chase, random-order malloc list (host wall time, simulated device)'
set xlabel 'list length (nodes)'
set ylabel 'ns per hop (median)'
set logscale y
plot 'chase.dat' using 1:3:2:4 with yerrorlines title 'device (sim)', \
     '' using 1:6:5:7 with yerrorlines title 'CPU (native loop)'
unset logscale y

set output 'vadd.png'
set title 'bandwidth, bytes read + written (host wall time, simulated device)'
set xlabel 'bytes per array'
set ylabel 'GB/s (median)'
plot 'vadd.dat' using 1:3:2:4 with yerrorlines title 'vadd on the device', \
     '' using 1:6:5:7 with yerrorlines title 'memcpy on the CPU'

set output 'pages.png'
set title 'modelled device cycles per hop (the model''s count, not measured time)'
set xlabel 'list length (nodes)'
set ylabel 'cycles per hop'
plot 'pages.dat' using 1:2 with linespoints title '4 KiB pages', \
     '' using 1:3 with linespoints title '2 MiB pages'

set output 'dispatch.png'
set title 'empty-kernel round trip, launch to completion seen (host wall time, simulated device)'
set logscale x 10
set format x '%g'
set xrange [0.1:*]
set logscale y
set yrange [0.8:*]
set xlabel 'microseconds'
set ylabel 'launches'
set style fill solid 0.6
plot 'dispatch.dat' using (sqrt($1*$2)):($3 > 0 ? $3 : 1/0):($2-$1) with boxes title 'launches per bin'

set output 'batch.png'
set title 'K chases in flight (pointer\_chase\_batch), modelled cycles per hop'
unset logscale y
set yrange [0:*]
set xrange [*:*]
set logscale x 2
set format x '%g'
set style fill empty
set xlabel 'K, chases interleaved'
set ylabel 'cycles per hop'
plot 'batch.dat' using 1:2 with linespoints title '4 KiB pages', \
     '' using 1:3 with linespoints title '2 MiB pages'
