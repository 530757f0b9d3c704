/* haversine.c -- Redis 7.0's geohashGetDistance as glibc's libm computes it, for GeoRounding.java.
 * Reads lines "lon1 lat1 lon2 lat2" (decimal or C99 hex floats); for each prints, as hex floats,
 * sin(dlat/2) sin(dlon/2) cos(lat1) cos(lat2) asin(root) distance -- or, with any argument, only the
 * distance as %.17g (what ZSCORE shows for a STOREDIST score, to check this against a real server).
 * Build: gcc -O2 -o /tmp/haversine tools/geo-rounding/haversine.c -lm  (no -ffast-math, no FMA flags:
 * Redis is built for baseline x86-64, where the compiler does not fuse u*u + ... into FMAs). */
#include <math.h>
#include <stdio.h>

#define D_R (M_PI / 180.0)
#define EARTH_RADIUS_IN_METERS 6372797.560856

int main(int argc, char **argv) {
    (void) argv;
    double lon1d, lat1d, lon2d, lat2d;
    while (scanf("%la %la %la %la", &lon1d, &lat1d, &lon2d, &lat2d) == 4) {
        double lat1r = lat1d * D_R, lon1r = lon1d * D_R, lat2r = lat2d * D_R, lon2r = lon2d * D_R;
        double u = sin((lat2r - lat1r) / 2);
        double v = sin((lon2r - lon1r) / 2);
        double cos1 = cos(lat1r), cos2 = cos(lat2r);
        double angle = asin(sqrt(u * u + cos1 * cos2 * v * v));
        double distance = 2.0 * EARTH_RADIUS_IN_METERS * angle;
        if (argc > 1) {
            printf("%.17g\n", distance);
        } else {
            printf("%a %a %a %a %a %a\n", u, v, cos1, cos2, angle, distance);
        }
    }
    return 0;
}
