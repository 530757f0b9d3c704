#!/usr/bin/env python3
"""pair-ratios.py RAW_CSV -- per test, the target/redis ratio of each round's pair and their median.

compare.sh's headline ratio divides the median target rate by the median Redis rate. When the
machine's own speed drifts between rounds (Redis alone ran GET at 495k-614k/s across one run),
that ratio moves with the drift; each round's pair ran back to back, so the median of the paired
ratios is steadier. Reads the raw csv compare.sh names at the end of its table
(round,who,label,P,dsize,n,rps,...,srv_us_op,...).
"""
import collections
import statistics
import sys


def main(path):
    runs = collections.defaultdict(dict)
    for line in open(path):
        f = line.strip().split(',')
        if len(f) < 16 or f[1] not in ('redis', 'target'):
            continue
        runs[(f[2], f[3], f[0])][f[1]] = (float(f[6]), float(f[15]))
    rps = collections.defaultdict(list)
    cpu = collections.defaultdict(list)
    for (label, p, _), pair in sorted(runs.items(), key=lambda kv: (kv[0][0], int(kv[0][1]), int(kv[0][2]))):
        if 'redis' in pair and 'target' in pair:
            rps[(label, p)].append(pair['target'][0] / pair['redis'][0])
            if pair['redis'][1] > 0:
                cpu[(label, p)].append(pair['target'][1] / pair['redis'][1])
    print(f"{'test':12s} {'P':>2s}  median_pair_ratio  pairs (rounds in order)        median_pair_cpu_r")
    for key, ratios in rps.items():
        pairs = ' '.join(f'{r:.2f}' for r in ratios)
        c = f'{statistics.median(cpu[key]):.3f}' if cpu[key] else '-'
        print(f'{key[0]:12s} {key[1]:>2s}  {statistics.median(ratios):17.3f}  {pairs:30s} {c:>17s}')


if __name__ == '__main__':
    main(sys.argv[1])
