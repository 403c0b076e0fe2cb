/*
 * bp_score.c - combine a line's evidence (bp_features.c) into one junk
 * probability with the logistic model of bp_model.h.
 *
 * Two stages, because junk comes in runs: stage 1 scores each line on its
 * own features (cue kinds, shape, position, neighbours' shapes); stage 2
 * rescores it from its stage-1 logit and its neighbours' stage-1
 * probabilities, so a short title-like line inside a run of furniture goes
 * and the same line inside the body (a heading) stays.  Lines a profile
 * rule already removed count as certain junk for their neighbours.
 *
 * The weights are fitted on the tune half of pages-dev by
 * scripts/fit-bp-model.py, which computes stage 2 exactly as below.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp.h"
#include "bp_model.h"

_Static_assert(BP_MODEL_NFEAT == BP_NFEAT,
               "bp_model.h was fitted for other features: run scripts/fit-bp-model.py");

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

static double clip(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

double bp_score_default_threshold(void) { return BP_MODEL_THRESHOLD; }

/* Stage-2 row of line i from the stage-1 logits z and probabilities p1. */
static void stage2_row(const float *X, const double *z, const double *p1, size_t n, size_t i,
                       float *f) {
    double prev = i > 0 ? p1[i - 1] : 0.5, next = i + 1 < n ? p1[i + 1] : 0.5;
    f[0] = 1;
    f[1] = (float)(clip(z[i], -12, 12) / 4.0);
    f[2] = (float)(prev > next ? prev : next);
    f[3] = (float)((prev + next) / 2);
    f[4] = prev > 0.5 && next > 0.5;
    f[5] = X[i * BP_NFEAT + 5] >= 0.5f; /* two or more sentences: prose */
}

void bp_score_doc(const float *X, const bp_lineref *lines, size_t n, double *p, float *f2) {
    double buf[2 * 128], *z = n <= 128 ? buf : malloc(2 * n * sizeof *z);
    double *p1 = z + n;
    for (size_t i = 0; i < n; i++) {
        const float *x = X + i * BP_NFEAT;
        double s = 0;
        for (int k = 0; k < BP_NFEAT; k++) s += bp_w1[k] * x[k];
        z[i] = s;
        p1[i] = lines[i].removed ? 1.0 : sigmoid(s);
    }
    float fbuf[BP_NFEAT2];
    for (size_t i = 0; i < n; i++) {
        float *f = f2 ? f2 + i * BP_NFEAT2 : fbuf;
        stage2_row(X, z, p1, n, i, f);
        double s = 0;
        for (int k = 0; k < BP_NFEAT2; k++) s += bp_w2[k] * f[k];
        p[i] = sigmoid(s);
    }
    if (z != buf) free(z);
}

/* Up to `want` features in [from, to) with the largest positive terms
 * above `floor`, appended to out as "+name". */
static size_t top_terms(const float *x, int from, int to, int want, double floor, char *out,
                        size_t len, size_t cap) {
    int used[BP_NFEAT] = {0};
    for (int j = 0; j < want; j++) {
        int best = -1;
        double val = floor;
        for (int k = from; k < to; k++)
            if (!used[k] && bp_w1[k] * x[k] > val) best = k, val = bp_w1[k] * x[k];
        if (best < 0) break;
        used[best] = 1;
        if (len < cap)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "+" : "", bp_feature_names[best]);
    }
    return len;
}

/* The evidence of one removed line: the cue kinds that weigh most, then
 * the strongest shape and position terms, then the run of junk around it. */
void bp_score_evidence(const float *x, const float *f2, char *out, size_t cap) {
    out[0] = '\0';
    size_t len = top_terms(x, BP_FEAT_KIND0, BP_NFEAT, 2, 0.1, out, 0, cap);
    len = top_terms(x, 1, BP_FEAT_KIND0, 2, 0.3, out, len, cap);
    double run = bp_w2[2] * f2[2] + bp_w2[3] * f2[3] + bp_w2[4] * f2[4];
    if (run > 0.5 && len < cap)
        len += (size_t)snprintf(out + len, cap - len, "%sin-junk-run", len ? "+" : "");
    if (!len) snprintf(out, cap, "shape");
}
