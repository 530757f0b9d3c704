package io.cinnabar.types;

/** A score interval as ZRANGEBYSCORE takes it: each end inclusive or, after '(', exclusive. */
public final class ScoreRange implements ZSkipList.Bounds {
    public final double min;
    public final double max;
    public final boolean minExclusive;
    public final boolean maxExclusive;

    public ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
        this.min = min;
        this.max = max;
        this.minExclusive = minExclusive;
        this.maxExclusive = maxExclusive;
    }

    public boolean aboveMin(double score) {
        return minExclusive ? score > min : score >= min;
    }

    public boolean belowMax(double score) {
        return maxExclusive ? score < max : score <= max;
    }

    @Override
    public boolean aboveMin(ZSkipList.Node n) {
        return aboveMin(n.score);
    }

    @Override
    public boolean belowMax(ZSkipList.Node n) {
        return belowMax(n.score);
    }

    public boolean contains(double score) {
        return aboveMin(score) && belowMax(score);
    }

    /** True when no score can fall inside (min above max, or a point with an open end). */
    @Override
    public boolean isEmpty() {
        return min > max || (min == max && (minExclusive || maxExclusive));
    }
}
