/*
 * abuse.c: every entry point of the C ABI given NULL pointers, zero and
 * huge lengths, unknown link types and enum values, and garbage bytes;
 * asserts the status codes. Exits non-zero on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tcpphase.h"

static int passed, failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            fprintf(stderr, "abuse.c:%d: check failed: %s\n", __LINE__, #cond); \
        }                                                                    \
    } while (0)

#define CHECK_STR(got, want) CHECK((got) != NULL && strcmp((got), (want)) == 0)

/* A deterministic pseudo-random byte source (xorshift). */
static uint32_t rng_state = 0x12345678u;
static uint32_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* A SYN from 10.0.0.1:40000 to 10.0.0.2:80, raw IPv4 (LINKTYPE 228). */
static const uint8_t SYN[] = {
    0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
};

/* A TCP header with MSS 1460, NOP, window scale 7, SACK-permitted, timestamps. */
static const uint8_t TCP_WITH_OPTIONS[] = {
    0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0xa0, 0x02, 0xff, 0xff, 0, 0, 0, 0,
    2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0,
};

static void names(void)
{
    CHECK(tcpphase_version() != NULL && strlen(tcpphase_version()) > 0);
    CHECK_STR(tcpphase_phase_name(TCPPHASE_PHASE_ACTIVE_CLOSE), "active-close");
    CHECK_STR(tcpphase_phase_name(TCPPHASE_PHASE_OTHER), "other");
    CHECK_STR(tcpphase_step_name(TCPPHASE_STEP_FIN_ACK), "fin-ack");
    CHECK_STR(tcpphase_step_name(TCPPHASE_STEP_MALFORMED), "malformed");
    CHECK_STR(tcpphase_state_name(TCPPHASE_STATE_FIN_WAIT1), "FIN-WAIT-1");
    CHECK_STR(tcpphase_state_name(TCPPHASE_STATE_UNKNOWN), "UNKNOWN");
    CHECK_STR(tcpphase_dir_name(TCPPHASE_DIR_SERVER_TO_CLIENT), "s2c");
    CHECK_STR(tcpphase_closer_name(TCPPHASE_CLOSER_NONE), "");
    CHECK_STR(tcpphase_closer_name(TCPPHASE_CLOSER_PASSIVE), "passive");
    CHECK_STR(tcpphase_flag_name(TCPPHASE_FLAG_RETRANSMISSION), "retransmission");
    CHECK_STR(tcpphase_flag_name(TCPPHASE_FLAG_ACK_UNSEEN), "ack-unseen");
    CHECK_STR(tcpphase_handshake_name(TCPPHASE_HANDSHAKE_NOT_SEEN), "not-seen");
    CHECK_STR(tcpphase_close_name(TCPPHASE_CLOSE_FIN3), "fin-3");
    CHECK_STR(tcpphase_role_name(TCPPHASE_ROLE_NONE), "");
    /* Zero means none in every label enum. */
    CHECK(TCPPHASE_PHASE_NONE == 0 && TCPPHASE_STEP_NONE == 0 && TCPPHASE_STATE_UNKNOWN == 0);
    CHECK(TCPPHASE_DIR_NONE == 0 && TCPPHASE_CLOSER_NONE == 0 && TCPPHASE_ROLE_NONE == 0);
    CHECK(TCPPHASE_HANDSHAKE_NONE == 0 && TCPPHASE_CLOSE_NONE == 0);
    CHECK_STR(tcpphase_phase_name(0), "");
    CHECK_STR(tcpphase_step_name(0), "");
    CHECK_STR(tcpphase_state_name(0), "UNKNOWN");
    CHECK_STR(tcpphase_dir_name(0), "");
    CHECK_STR(tcpphase_handshake_name(0), "");
    CHECK_STR(tcpphase_close_name(0), "");
    CHECK_STR(tcpphase_state_name(TCPPHASE_STATE_CLOSED), "CLOSED");
    CHECK_STR(tcpphase_step_name(TCPPHASE_STEP_SYN), "syn");
    CHECK_STR(tcpphase_handshake_name(TCPPHASE_HANDSHAKE_COMPLETE), "complete");
    CHECK_STR(tcpphase_close_name(TCPPHASE_CLOSE_OPEN), "open");
    CHECK_STR(tcpphase_status_name(TCPPHASE_STATUS_OK), "ok");
    CHECK_STR(tcpphase_status_name(TCPPHASE_STATUS_PANIC), "panic");
    for (uint32_t s = TCPPHASE_STATUS_OK; s <= TCPPHASE_STATUS_PANIC; s++)
        CHECK(tcpphase_status_name(s) != NULL);

    const uint32_t bad[] = {17, 99, 0x80000000u, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(tcpphase_phase_name(bad[i]) == NULL);
        CHECK(tcpphase_step_name(bad[i]) == NULL);
        CHECK(tcpphase_state_name(bad[i]) == NULL);
        CHECK(tcpphase_dir_name(bad[i]) == NULL);
        CHECK(tcpphase_closer_name(bad[i]) == NULL);
        CHECK(tcpphase_status_name(bad[i]) == NULL);
        CHECK(tcpphase_handshake_name(bad[i]) == NULL);
        CHECK(tcpphase_close_name(bad[i]) == NULL);
        CHECK(tcpphase_role_name(bad[i]) == NULL);
    }
    CHECK(tcpphase_flag_name(0) == NULL);
    CHECK(tcpphase_flag_name(3) == NULL); /* two bits */
    CHECK_STR(tcpphase_flag_name(TCPPHASE_FLAG_OPTIONS_CUT), "options-cut");
    CHECK(tcpphase_flag_name(1u << 8) == NULL);
    CHECK(tcpphase_flag_name(UINT32_MAX) == NULL);
}

static void construction(void)
{
    tcpphase_tracker_free(NULL);
    CHECK(tcpphase_tracker_new_with(NULL) == NULL);
    CHECK(tcpphase_config_default(NULL) == TCPPHASE_STATUS_NULL_ARGUMENT);
    tcpphase_config config;
    CHECK(tcpphase_config_default(&config) == TCPPHASE_STATUS_OK);
    CHECK(config.time_wait_ns == 60000000000ull);
    CHECK(config.max_connections == 1048576u);
    config.time_wait_ns = 0;
    config.idle_timeout_ns = UINT64_MAX;
    config.max_connections = 0;
    tcpphase_tracker *t = tcpphase_tracker_new_with(&config);
    CHECK(t != NULL);
    uint64_t evicted = 99;
    CHECK(tcpphase_tracker_evicted(NULL, &evicted) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_evicted(t, NULL) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_evicted(t, &evicted) == TCPPHASE_STATUS_OK);
    CHECK(evicted == 0);
    tcpphase_tracker_free(t);
}

static void feeding(void)
{
    tcpphase_tracker *t = tcpphase_tracker_new();
    CHECK(t != NULL);
    tcpphase_annotation a;
    uint8_t byte = 0;
    char buf[256];
    size_t n = 99;

    /* Rejected arguments: no frame counted. */
    CHECK(tcpphase_tracker_feed(NULL, 228, SYN, sizeof SYN, 0, &a) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_feed(t, 228, NULL, sizeof SYN, 0, &a) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_feed(t, 228, NULL, 0, 0, &a) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_feed(t, 228, SYN, sizeof SYN, 0, NULL) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_feed(t, 228, SYN, SIZE_MAX, 0, &a) == TCPPHASE_STATUS_INVALID_ARGUMENT);
    CHECK(tcpphase_tracker_feed(t, 228, SYN, (size_t)PTRDIFF_MAX + 1, 0, &a) ==
          TCPPHASE_STATUS_INVALID_ARGUMENT);
    CHECK(tcpphase_tracker_last_error(t, buf, sizeof buf, &n) == TCPPHASE_STATUS_NONE);
    CHECK(buf[0] == '\0' && n == 0);
    CHECK(tcpphase_tracker_last_error(t, NULL, 0, NULL) == TCPPHASE_STATUS_NONE);

    /* Frame 1: empty. */
    CHECK(tcpphase_tracker_feed(t, 1, &byte, 0, 5, &a) == TCPPHASE_STATUS_MALFORMED);
    CHECK(a.frame == 1 && a.ts_ns == 5);
    CHECK(a.phase == TCPPHASE_PHASE_OTHER && a.step == TCPPHASE_STEP_MALFORMED);
    CHECK(tcpphase_tracker_last_error(t, buf, sizeof buf, &n) == TCPPHASE_STATUS_OK);
    CHECK(strstr(buf, "truncated") != NULL);

    /* Frames 2, 3: unknown link types. */
    CHECK(tcpphase_tracker_feed(t, 147, SYN, sizeof SYN, 6, &a) ==
          TCPPHASE_STATUS_UNSUPPORTED_LINKTYPE);
    CHECK(a.frame == 2);
    CHECK(tcpphase_tracker_last_error(t, buf, sizeof buf, &n) == TCPPHASE_STATUS_OK);
    CHECK_STR(buf, "unsupported link type 147");
    CHECK(tcpphase_tracker_feed(t, UINT32_MAX, SYN, sizeof SYN, 7, &a) ==
          TCPPHASE_STATUS_UNSUPPORTED_LINKTYPE);
    CHECK(a.frame == 3);

    /* last_error's own arguments. */
    CHECK(tcpphase_tracker_last_error(NULL, buf, sizeof buf, &n) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_last_error(t, NULL, sizeof buf, &n) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_last_error(t, buf, 0, &n) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
    CHECK(tcpphase_tracker_last_error(t, buf, SIZE_MAX, &n) == TCPPHASE_STATUS_INVALID_ARGUMENT);
    CHECK(tcpphase_tracker_last_error(t, buf, 5, &n) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
    CHECK_STR(buf, "unsu");
    /* The length of the whole reason, NUL not counted, fits or not. */
    const size_t whole = strlen("unsupported link type 4294967295");
    CHECK(n == whole);
    n = 0;
    CHECK(tcpphase_tracker_last_error(t, NULL, 0, &n) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == whole);
    CHECK(tcpphase_tracker_last_error(t, NULL, 1, &n) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_last_error(t, buf, whole, &n) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
    CHECK(tcpphase_tracker_last_error(t, buf, whole + 1, NULL) == TCPPHASE_STATUS_OK);
    CHECK_STR(buf, "unsupported link type 4294967295");

    /* Frame 4: a real SYN. */
    CHECK(tcpphase_tracker_feed(t, 228, SYN, sizeof SYN, 1000000000u, &a) == TCPPHASE_STATUS_OK);
    CHECK(a.frame == 4 && a.stream == 0 && a.conn == 0);
    CHECK(a.phase == TCPPHASE_PHASE_HANDSHAKE && a.step == TCPPHASE_STEP_SYN);
    CHECK(a.client_state == TCPPHASE_STATE_SYN_SENT && a.dir == TCPPHASE_DIR_CLIENT_TO_SERVER);
    CHECK(a.src.family == TCPPHASE_FAMILY_IPV4 && a.src.port == 40000 && a.dst.port == 80);
    CHECK(a.tcp_flags == 0x002 && a.len == 0 && !a.origin_guessed);
    CHECK(tcpphase_tracker_last_error(t, buf, sizeof buf, &n) == TCPPHASE_STATUS_NONE);
    CHECK(tcpphase_endpoint_format(&a.src, true, buf, sizeof buf) == TCPPHASE_STATUS_OK);
    CHECK_STR(buf, "10.0.0.1:40000");

    /* Frame 5: not TCP (the SYN as UDP). Zero means none everywhere. */
    uint8_t udp[sizeof SYN];
    memcpy(udp, SYN, sizeof SYN);
    udp[9] = 17;
    CHECK(tcpphase_tracker_feed(t, 228, udp, sizeof udp, 2, &a) == TCPPHASE_STATUS_NOT_TCP);
    CHECK(a.frame == 5 && a.ts_ns == 2);
    CHECK(a.phase == TCPPHASE_PHASE_NONE && a.phase == 0);
    CHECK(a.step == TCPPHASE_STEP_NONE && a.step == 0);
    CHECK(a.client_state == TCPPHASE_STATE_UNKNOWN && a.server_state == 0);
    CHECK(a.dir == TCPPHASE_DIR_NONE && a.closer == TCPPHASE_CLOSER_NONE && a.flags == 0);
    CHECK_STR(tcpphase_phase_name(a.phase), "");
    CHECK_STR(tcpphase_step_name(a.step), "");
    CHECK_STR(tcpphase_state_name(a.client_state), "UNKNOWN");
    CHECK_STR(tcpphase_dir_name(a.dir), "");
    CHECK(a.src.family == TCPPHASE_FAMILY_UNSPECIFIED);
    CHECK(tcpphase_endpoint_format(&a.src, true, buf, sizeof buf) == TCPPHASE_STATUS_NONE);
    CHECK_STR(buf, "");
    tcpphase_endpoint bad_family = a.src;
    bad_family.family = 5;
    CHECK(tcpphase_endpoint_format(&bad_family, true, buf, sizeof buf) ==
          TCPPHASE_STATUS_INVALID_ARGUMENT);

    /* Garbage, every link type tcpphase reads and a few it does not. */
    const uint32_t linktypes[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 2, 147, 65535};
    uint8_t junk[512];
    uint64_t frames = 5;
    for (int round = 0; round < 20000; round++) {
        size_t len = next_random() % sizeof junk;
        for (size_t i = 0; i < len; i++)
            junk[i] = (uint8_t)next_random();
        /* Often start from a valid SYN so the deeper layers get garbage too. */
        if (round % 2 == 0 && len >= sizeof SYN) {
            memcpy(junk, SYN, sizeof SYN);
            junk[next_random() % sizeof SYN] = (uint8_t)next_random();
        }
        uint32_t linktype = linktypes[next_random() % (sizeof linktypes / sizeof linktypes[0])];
        tcpphase_status s = tcpphase_tracker_feed(t, linktype, junk, len, (uint64_t)round, &a);
        frames++;
        CHECK(s == TCPPHASE_STATUS_OK || s == TCPPHASE_STATUS_NOT_TCP ||
              s == TCPPHASE_STATUS_MALFORMED || s == TCPPHASE_STATUS_UNSUPPORTED_LINKTYPE);
        CHECK(a.frame == frames);
        if (s == TCPPHASE_STATUS_MALFORMED || s == TCPPHASE_STATUS_UNSUPPORTED_LINKTYPE)
            CHECK(tcpphase_tracker_last_error(t, buf, sizeof buf, &n) == TCPPHASE_STATUS_OK);
    }

    /* Summaries. */
    tcpphase_summary s;
    CHECK(tcpphase_tracker_finish(NULL) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_next_summary(NULL, &s) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_next_summary(t, NULL) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tracker_finish(t) == TCPPHASE_STATUS_OK);
    int summaries = 0;
    tcpphase_status st;
    while ((st = tcpphase_tracker_next_summary(t, &s)) == TCPPHASE_STATUS_OK) {
        summaries++;
        CHECK(tcpphase_handshake_name(s.handshake) != NULL);
        CHECK(tcpphase_close_name(s.close) != NULL);
        CHECK(tcpphase_role_name(s.active_closer) != NULL);
        CHECK(memchr(s.history, '\0', sizeof s.history) != NULL);
        CHECK(memchr(s.conn_state, '\0', sizeof s.conn_state) != NULL);
    }
    CHECK(st == TCPPHASE_STATUS_NONE);
    CHECK(summaries >= 1);
    CHECK(tcpphase_tracker_next_summary(t, &s) == TCPPHASE_STATUS_NONE);
    CHECK(tcpphase_tracker_finish(t) == TCPPHASE_STATUS_OK);

    /* Still usable after finish; numbering goes on. */
    CHECK(tcpphase_tracker_feed(t, 228, SYN, sizeof SYN, 2000000000u, &a) == TCPPHASE_STATUS_OK);
    CHECK(a.frame == frames + 1);
    CHECK(tcpphase_tracker_finish(t) == TCPPHASE_STATUS_OK);
    CHECK(tcpphase_tracker_next_summary(t, &s) == TCPPHASE_STATUS_OK);
    CHECK_STR(s.conn_state, "S0");
    CHECK_STR(s.client, "10.0.0.1:40000");
    CHECK(s.handshake == TCPPHASE_HANDSHAKE_NO_ANSWER);
    tcpphase_tracker_free(t);
}

static void parsing(void)
{
    tcpphase_tcp_header h;
    CHECK(tcpphase_parse_tcp(NULL, 20, &h) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_parse_tcp(TCP_WITH_OPTIONS, sizeof TCP_WITH_OPTIONS, NULL) ==
          TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_parse_tcp(TCP_WITH_OPTIONS, SIZE_MAX, &h) == TCPPHASE_STATUS_INVALID_ARGUMENT);
    CHECK(tcpphase_parse_tcp(TCP_WITH_OPTIONS, 0, &h) == TCPPHASE_STATUS_MALFORMED);
    CHECK(tcpphase_parse_tcp(TCP_WITH_OPTIONS, 19, &h) == TCPPHASE_STATUS_MALFORMED);
    CHECK(tcpphase_parse_tcp(TCP_WITH_OPTIONS, 39, &h) == TCPPHASE_STATUS_MALFORMED);
    uint8_t small_offset[20];
    memcpy(small_offset, TCP_WITH_OPTIONS, 20);
    small_offset[12] = 0x40; /* data offset 4 */
    CHECK(tcpphase_parse_tcp(small_offset, sizeof small_offset, &h) == TCPPHASE_STATUS_MALFORMED);

    CHECK(tcpphase_parse_tcp(TCP_WITH_OPTIONS, sizeof TCP_WITH_OPTIONS, &h) == TCPPHASE_STATUS_OK);
    CHECK(h.src_port == 40000 && h.dst_port == 80 && h.seq == 1 && h.header_len == 40);
    CHECK(h.flags == 0x002 && h.window == 0xffff);
    CHECK(h.has_mss && h.mss == 1460 && h.has_window_scale && h.window_scale == 7);
    CHECK(h.sack_permitted && h.has_timestamps && h.ts_value == 9 && !h.options_malformed);

    uint8_t bad_option[24];
    memcpy(bad_option, TCP_WITH_OPTIONS, 20);
    bad_option[12] = 0x60;
    bad_option[20] = 2;
    bad_option[21] = 40; /* MSS claiming 40 bytes */
    bad_option[22] = bad_option[23] = 0;
    CHECK(tcpphase_parse_tcp(bad_option, sizeof bad_option, &h) == TCPPHASE_STATUS_OK);
    CHECK(h.options_malformed && !h.has_mss);

    uint8_t junk[80];
    for (int round = 0; round < 20000; round++) {
        size_t len = next_random() % sizeof junk;
        for (size_t i = 0; i < len; i++)
            junk[i] = (uint8_t)next_random();
        tcpphase_status s = tcpphase_parse_tcp(junk, len, &h);
        CHECK(s == TCPPHASE_STATUS_OK || s == TCPPHASE_STATUS_MALFORMED);
        CHECK(s != TCPPHASE_STATUS_OK || (h.header_len >= 20 && h.header_len <= len));
    }
}

static void text(void)
{
    char buf[64];
    tcpphase_endpoint e;
    memset(&e, 0, sizeof e);
    CHECK(tcpphase_endpoint_format(NULL, true, buf, sizeof buf) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_endpoint_format(&e, true, NULL, sizeof buf) == TCPPHASE_STATUS_NULL_ARGUMENT);
    /* The unset endpoint (all zero) has no text: NONE and "". */
    buf[0] = 'x';
    CHECK(tcpphase_endpoint_format(&e, true, buf, sizeof buf) == TCPPHASE_STATUS_NONE);
    CHECK_STR(buf, "");
    CHECK(tcpphase_endpoint_format(&e, true, buf, 0) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
    e.family = 9;
    CHECK(tcpphase_endpoint_format(&e, true, buf, sizeof buf) == TCPPHASE_STATUS_INVALID_ARGUMENT);
    e.family = TCPPHASE_FAMILY_IPV6;
    e.addr[0] = 0x20;
    e.addr[1] = 0x01;
    e.addr[2] = 0x0d;
    e.addr[3] = 0xb8;
    e.addr[15] = 1;
    e.port = 443;
    CHECK(tcpphase_endpoint_format(&e, true, buf, sizeof buf) == TCPPHASE_STATUS_OK);
    CHECK_STR(buf, "[2001:db8::1]:443");
    CHECK(tcpphase_endpoint_format(&e, false, buf, sizeof buf) == TCPPHASE_STATUS_OK);
    CHECK_STR(buf, "2001:db8::1");
    CHECK(tcpphase_endpoint_format(&e, true, buf, 4) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
    CHECK_STR(buf, "[20");
    CHECK(tcpphase_endpoint_format(&e, true, buf, 0) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
    CHECK(tcpphase_endpoint_format(&e, true, buf, SIZE_MAX) == TCPPHASE_STATUS_INVALID_ARGUMENT);
    memset(e.addr, 0xff, sizeof e.addr);
    e.port = 65535;
    CHECK(tcpphase_endpoint_format(&e, true, buf, TCPPHASE_ENDPOINT_TEXT_LEN) == TCPPHASE_STATUS_OK);

    CHECK(tcpphase_tcp_flags_text(0x012, buf, sizeof buf) == TCPPHASE_STATUS_OK);
    CHECK_STR(buf, "SA");
    CHECK(tcpphase_tcp_flags_text(0xffff, buf, 10) == TCPPHASE_STATUS_OK);
    CHECK_STR(buf, "SFRPAUECN");
    CHECK(tcpphase_tcp_flags_text(0, buf, sizeof buf) == TCPPHASE_STATUS_OK);
    CHECK_STR(buf, "");
    CHECK(tcpphase_tcp_flags_text(0x012, buf, 1) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
    CHECK_STR(buf, "");
    CHECK(tcpphase_tcp_flags_text(0x012, NULL, 10) == TCPPHASE_STATUS_NULL_ARGUMENT);
    CHECK(tcpphase_tcp_flags_text(0x012, buf, 0) == TCPPHASE_STATUS_BUFFER_TOO_SMALL);
}

int main(void)
{
    names();
    construction();
    feeding();
    parsing();
    text();
    printf("abuse: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
