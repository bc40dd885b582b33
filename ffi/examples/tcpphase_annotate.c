/*
 * tcpphase_annotate: the C ABI at work. Reads a capture with libpcap, feeds
 * every frame to a tcpphase tracker, and prints
 *   - one CSV line per TCP segment, exactly as `tcpphase annotate --csv`, or
 *   - with --conns, one JSON line per connection, exactly as
 *     `tcpphase conns --json`.
 *
 * Build: cc -std=c11 tcpphase_annotate.c $(pkg-config --cflags --libs tcpphase) -lpcap
 * Usage: tcpphase_annotate [--conns] CAPTURE
 */
/* libpcap's headers use the BSD types (u_int, u_char): not in strict C11 alone. */
#define _DEFAULT_SOURCE

#include <math.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpphase.h"

/* Writes a CSV field, quoted only when it must be (as Rust's csv crate). */
static void csv_field(FILE *out, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
    } else {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    }
    fputc(last ? '\n' : ',', out);
}

static void csv_u64(FILE *out, unsigned long long v)
{
    fprintf(out, "%llu,", v);
}

/* Seconds since the epoch as the CLI computes them: ns as double / 1e9. */
static double seconds(uint64_t ts_ns)
{
    return (double)ts_ns / 1e9;
}

static const char CSV_HEADER[] =
    "frame,stream,conn,dir,phase,step,client_state,server_state,closer,flags,"
    "origin_guessed,ts,src,sport,dst,dport,tcp_flags,seq,ack,len\n";

static void print_annotation_csv(FILE *out, const tcpphase_annotation *a)
{
    char flags[256] = "";
    size_t used = 0;
    for (uint32_t bit = 1; bit != 0; bit <<= 1) {
        const char *name = (a->flags & bit) ? tcpphase_flag_name(bit) : NULL;
        if (name != NULL) {
            used += (size_t)snprintf(flags + used, sizeof flags - used, "%s%s",
                                     used > 0 ? "|" : "", name);
        }
    }
    char src[TCPPHASE_ENDPOINT_TEXT_LEN], dst[TCPPHASE_ENDPOINT_TEXT_LEN], letters[16], ts[64];
    tcpphase_endpoint_format(&a->src, false, src, sizeof src);
    tcpphase_endpoint_format(&a->dst, false, dst, sizeof dst);
    tcpphase_tcp_flags_text(a->tcp_flags, letters, sizeof letters);
    snprintf(ts, sizeof ts, "%.9f", seconds(a->ts_ns));

    csv_u64(out, a->frame);
    csv_u64(out, a->stream);
    csv_u64(out, a->conn);
    csv_field(out, tcpphase_dir_name(a->dir), 0);
    csv_field(out, tcpphase_phase_name(a->phase), 0);
    csv_field(out, tcpphase_step_name(a->step), 0);
    csv_field(out, tcpphase_state_name(a->client_state), 0);
    csv_field(out, tcpphase_state_name(a->server_state), 0);
    csv_field(out, tcpphase_closer_name(a->closer), 0);
    csv_field(out, flags, 0);
    csv_field(out, a->origin_guessed ? "true" : "false", 0);
    csv_field(out, ts, 0);
    csv_field(out, src, 0);
    csv_u64(out, a->src.port);
    csv_field(out, dst, 0);
    csv_u64(out, a->dst.port);
    csv_field(out, letters, 0);
    csv_u64(out, a->seq);
    csv_u64(out, a->ack);
    fprintf(out, "%u\n", a->len);
}

/*
 * A finite double as serde_json prints it (Ryu's shortest round-trip
 * digits, laid out as ryu::Buffer::format_finite does): 0.000018,
 * 1795460874.619575, 1e-7, 1.5e20, 3.0.
 */
static void put_zeros(FILE *out, int n)
{
    for (; n > 0; n--)
        fputc('0', out);
}

static void json_f64(FILE *out, double v)
{
    if (signbit(v)) {
        fputc('-', out);
        v = -v;
    }
    if (v == 0.0) {
        fputs("0.0", out);
        return;
    }
    char sci[64];
    for (int precision = 0; precision <= 17; precision++) {
        snprintf(sci, sizeof sci, "%.*e", precision, v);
        if (strtod(sci, NULL) == v)
            break;
    }
    /* sci is d[.ddd]e[+-]xx: collect the digits and the exponent. */
    char digits[32];
    int length = 0;
    const char *p = sci;
    for (; *p != 'e'; p++) {
        if (*p != '.')
            digits[length++] = *p;
    }
    digits[length] = '\0';
    int kk = atoi(p + 1) + 1; /* 10^(kk-1) <= v < 10^kk */
    int k = kk - length;
    if (0 <= k && kk <= 16) {
        fputs(digits, out); /* 1234e7 -> 12340000000.0 */
        put_zeros(out, k);
        fputs(".0", out);
    } else if (0 < kk && kk <= 16) {
        fprintf(out, "%.*s.%s", kk, digits, digits + kk); /* 12.34 */
    } else if (-5 < kk && kk <= 0) {
        fputs("0.", out); /* 0.001234 */
        put_zeros(out, -kk);
        fputs(digits, out);
    } else if (length == 1) {
        fprintf(out, "%se%d", digits, kk - 1); /* 1e30 */
    } else {
        fprintf(out, "%c.%se%d", digits[0], digits + 1, kk - 1); /* 1.234e33 */
    }
}

/* A JSON string as serde_json escapes it. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (c < 0x20)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

static void json_optional_seconds(FILE *out, bool known, uint64_t ns)
{
    if (known)
        json_f64(out, seconds(ns));
    else
        fputs("null", out);
}

/* One summary, keys and order as `tcpphase conns --json`. */
static void print_summary_json(FILE *out, const tcpphase_summary *s)
{
    fprintf(out, "{\"conn\":%llu,\"stream\":%llu,\"client\":", (unsigned long long)s->conn,
            (unsigned long long)s->stream);
    json_string(out, s->client);
    fputs(",\"server\":", out);
    json_string(out, s->server);
    fprintf(out, ",\"origin_guessed\":%s,\"handshake\":", s->origin_guessed ? "true" : "false");
    json_string(out, tcpphase_handshake_name(s->handshake));
    fputs(",\"rtt_syn_synack\":", out);
    json_optional_seconds(out, s->has_syn_to_syn_ack, s->syn_to_syn_ack_ns);
    fputs(",\"rtt_synack_ack\":", out);
    json_optional_seconds(out, s->has_syn_ack_to_ack, s->syn_ack_to_ack_ns);
    fputs(",\"close\":", out);
    json_string(out, tcpphase_close_name(s->close));
    fputs(",\"active_closer\":", out);
    json_string(out, tcpphase_role_name(s->active_closer));
    fputs(",\"client_state\":", out);
    json_string(out, tcpphase_state_name(s->client_state));
    fputs(",\"server_state\":", out);
    json_string(out, tcpphase_state_name(s->server_state));
    fputs(",\"conn_state\":", out);
    json_string(out, s->conn_state);
    fputs(",\"history\":", out);
    json_string(out, s->history);
    fprintf(out,
            ",\"completeness\":%u,\"client_packets\":%llu,\"server_packets\":%llu,"
            "\"client_bytes\":%llu,\"server_bytes\":%llu,\"first_ts\":",
            (unsigned)s->completeness, (unsigned long long)s->client_packets,
            (unsigned long long)s->server_packets, (unsigned long long)s->client_bytes,
            (unsigned long long)s->server_bytes);
    json_f64(out, seconds(s->first_ts_ns));
    fputs(",\"last_ts\":", out);
    json_f64(out, seconds(s->last_ts_ns));
    fputs("}\n", out);
}

/* Prints every summary the tracker has queued; 0, or -1 on failure. */
static int drain_summaries(tcpphase_tracker *tracker, FILE *out)
{
    tcpphase_summary summary;
    tcpphase_status status;
    while ((status = tcpphase_tracker_next_summary(tracker, &summary)) == TCPPHASE_STATUS_OK)
        print_summary_json(out, &summary);
    if (status != TCPPHASE_STATUS_NONE) {
        fprintf(stderr, "tcpphase_tracker_next_summary: %s\n", tcpphase_status_name(status));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bool conns = argc == 3 && strcmp(argv[1], "--conns") == 0;
    if (argc != 2 + (conns ? 1 : 0)) {
        fprintf(stderr, "usage: %s [--conns] CAPTURE   (libtcpphase %s)\n", argv[0],
                tcpphase_version());
        return 2;
    }
    const char *path = argv[argc - 1];
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pcap = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO,
                                                            errbuf);
    if (pcap == NULL) {
        fprintf(stderr, "%s: %s\n", path, errbuf);
        return 1;
    }
    tcpphase_tracker *tracker = tcpphase_tracker_new();
    if (tracker == NULL) {
        fprintf(stderr, "tcpphase_tracker_new failed\n");
        pcap_close(pcap);
        return 1;
    }
    /* pcap_datalink gives the DLT number; tcpphase reads LINKTYPE numbers
     * and the DLT_RAW aliases, which covers what libpcap hands out here. */
    uint32_t linktype = (uint32_t)pcap_datalink(pcap);
    if (!conns)
        fputs(CSV_HEADER, stdout);

    int rc = 0;
    struct pcap_pkthdr *header;
    const u_char *data;
    int got;
    while ((got = pcap_next_ex(pcap, &header, &data)) == 1) {
        uint64_t ts_ns =
            (uint64_t)header->ts.tv_sec * 1000000000u + (uint64_t)header->ts.tv_usec;
        tcpphase_annotation annotation;
        tcpphase_status status =
            tcpphase_tracker_feed(tracker, linktype, data, header->caplen, ts_ns, &annotation);
        switch (status) {
        case TCPPHASE_STATUS_OK:
            if (!conns)
                print_annotation_csv(stdout, &annotation);
            break;
        case TCPPHASE_STATUS_NOT_TCP:
        case TCPPHASE_STATUS_MALFORMED:
        case TCPPHASE_STATUS_UNSUPPORTED_LINKTYPE:
            break; /* `annotate --csv` writes no row for these */
        default:
            fprintf(stderr, "tcpphase_tracker_feed: %s\n", tcpphase_status_name(status));
            rc = 1;
            goto done;
        }
        if (conns && drain_summaries(tracker, stdout) != 0) {
            rc = 1;
            goto done;
        }
    }
    if (got == PCAP_ERROR) {
        fprintf(stderr, "%s: %s\n", path, pcap_geterr(pcap));
        rc = 1;
    }
    if (conns) {
        tcpphase_status status = tcpphase_tracker_finish(tracker);
        if (status != TCPPHASE_STATUS_OK || drain_summaries(tracker, stdout) != 0)
            rc = 1;
    }
done:
    tcpphase_tracker_free(tracker);
    pcap_close(pcap);
    if (fflush(stdout) != 0)
        rc = 1;
    return rc;
}
