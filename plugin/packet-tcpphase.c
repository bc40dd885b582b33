/* packet-tcpphase.c
 * Postdissector "TCP Connection Phase" (tcpphase): shows, for every TCP
 * segment, where its connection stands in its life (handshake, data,
 * active/passive close, half-close, reset) and both endpoints' RFC 9293
 * states. All the logic lives in libtcpphase (Rust, through its C ABI);
 * this file only hands frames over and turns the answers into fields.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <wiretap/wtap.h>
#include <wiretap/pcap-encap.h>
#include <ws_version.h>

#include "tcpphase.h"

#ifndef TCPPHASE_PLUGIN_VERSION
#define TCPPHASE_PLUGIN_VERSION "0.1.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = TCPPHASE_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif

static int proto_tcpphase = -1;
static int ett_tcpphase = -1;
static int ett_tcpphase_flags = -1;
static int ett_tcpphase_conn = -1;

static int hf_stream = -1;
static int hf_conn = -1;
static int hf_dir = -1;
static int hf_phase = -1;
static int hf_step = -1;
static int hf_client_state = -1;
static int hf_server_state = -1;
static int hf_closer = -1;
static int hf_origin_guessed = -1;
static int hf_flags = -1;
static int hf_flag_retransmission = -1;
static int hf_flag_simultaneous_open = -1;
static int hf_flag_simultaneous_close = -1;
static int hf_flag_midstream = -1;
static int hf_flag_out_of_window = -1;
static int hf_flag_port_reuse = -1;
static int hf_flag_ack_unseen = -1;
static int hf_error = -1;
static int hf_conn_summary = -1;
static int hf_conn_handshake = -1;
static int hf_conn_close = -1;
static int hf_conn_active_closer = -1;
static int hf_conn_conn_state = -1;
static int hf_conn_history = -1;
static int hf_conn_completeness = -1;

static expert_field ei_abort = EI_INIT;
static expert_field ei_refused = EI_INIT;
static expert_field ei_rst_repeat = EI_INIT;
static expert_field ei_rst_late = EI_INIT;
static expert_field ei_simultaneous_close = EI_INIT;
static expert_field ei_half_close = EI_INIT;
static expert_field ei_malformed = EI_INIT;

/* The tracker of the open file: created when a file is opened (init
 * routine), freed when it is closed (cleanup routine). */
static tcpphase_tracker *tracker = NULL;
/* Summaries by connection number, as connections end; file scope. */
static wmem_map_t *summaries = NULL;
/* The first pass is over once a visited frame comes back: every
 * connection still open is summarised then, once. */
static gboolean finished = FALSE;

/* What one frame got, computed in the first pass and kept on the frame. */
typedef struct {
    tcpphase_status status;
    tcpphase_annotation annotation;
    char error[160];
} frame_result;

/* pcap LINKTYPE numbers tcpphase reads, mapped from Wireshark's encapsulation. */
static const uint32_t supported_linktypes[] = {0, 1, 101, 108, 113, 228, 229, 276};

static int linktype_of(int wtap_encap)
{
    for (size_t i = 0; i < G_N_ELEMENTS(supported_linktypes); i++) {
        if (wtap_pcap_encap_to_wtap_encap((int)supported_linktypes[i]) == wtap_encap)
            return (int)supported_linktypes[i];
    }
    return -1;
}

static void drain_summaries(void)
{
    tcpphase_summary s;
    while (tracker && tcpphase_tracker_next_summary(tracker, &s) == TCPPHASE_STATUS_OK) {
        tcpphase_summary *kept = wmem_new(wmem_file_scope(), tcpphase_summary);
        *kept = s;
        wmem_map_insert(summaries, GUINT_TO_POINTER((guint)s.conn), kept);
    }
}

static frame_result *compute(packet_info *pinfo, tvbuff_t *tvb)
{
    frame_result *r = wmem_new0(wmem_file_scope(), frame_result);
    int linktype = linktype_of(pinfo->rec->rec_header.packet_header.pkt_encap);
    if (!tracker || linktype < 0) {
        r->status = TCPPHASE_STATUS_UNSUPPORTED_LINKTYPE;
        return r;
    }
    guint len = tvb_captured_length(tvb);
    const guint8 *bytes = len ? tvb_get_ptr(tvb, 0, len) : NULL;
    static const guint8 empty[1] = {0};
    uint64_t ts_ns = (uint64_t)pinfo->abs_ts.secs * 1000000000u + (uint64_t)pinfo->abs_ts.nsecs;
    r->status = tcpphase_tracker_feed(tracker, (uint32_t)linktype, bytes ? bytes : empty, len,
                                      ts_ns, &r->annotation);
    if (r->status == TCPPHASE_STATUS_MALFORMED)
        tcpphase_tracker_last_error(tracker, r->error, sizeof r->error, NULL);
    drain_summaries();
    return r;
}

static const char *info_tag(const tcpphase_annotation *a, char *buf, size_t len)
{
    switch (a->phase) {
    case TCPPHASE_PHASE_HANDSHAKE:
        if (a->step == TCPPHASE_STEP_SYN)
            return "[handshake 1/3 SYN]";
        if (a->step == TCPPHASE_STEP_SYN_ACK)
            return "[handshake 2/3 SYN-ACK]";
        return "[handshake 3/3 ACK]";
    case TCPPHASE_PHASE_DATA:
        return a->step == TCPPHASE_STEP_DATA ? "[data]" : "[data ACK]";
    case TCPPHASE_PHASE_ACTIVE_CLOSE:
    case TCPPHASE_PHASE_PASSIVE_CLOSE: {
        const char *side = a->phase == TCPPHASE_PHASE_ACTIVE_CLOSE ? "active" : "passive";
        const char *what = "ACK";
        if (a->step == TCPPHASE_STEP_FIN)
            what = "FIN";
        else if (a->step == TCPPHASE_STEP_FIN_ACK)
            what = "FIN-ACK";
        else if (a->step == TCPPHASE_STEP_LAST_ACK)
            what = "last ACK";
        snprintf(buf, len, "[%s close %s]", side, what);
        return buf;
    }
    case TCPPHASE_PHASE_HALF_CLOSE:
        return a->step == TCPPHASE_STEP_DATA ? "[half-close data]" : "[half-close ACK]";
    case TCPPHASE_PHASE_RESET:
        snprintf(buf, len, "[reset: %s]", tcpphase_step_name(a->step));
        return buf;
    default:
        snprintf(buf, len, "[%s]", tcpphase_step_name(a->step));
        return buf;
    }
}

static void add_expert(proto_tree *tree, packet_info *pinfo, const tcpphase_annotation *a)
{
    if (a->phase == TCPPHASE_PHASE_RESET) {
        switch (a->step) {
        case TCPPHASE_STEP_REFUSED:
            expert_add_info(pinfo, tree, &ei_refused);
            break;
        case TCPPHASE_STEP_ABORT:
            expert_add_info(pinfo, tree, &ei_abort);
            break;
        case TCPPHASE_STEP_RST_REPEAT:
            expert_add_info(pinfo, tree, &ei_rst_repeat);
            break;
        default:
            expert_add_info(pinfo, tree, &ei_rst_late);
            break;
        }
    }
    if ((a->flags & TCPPHASE_FLAG_SIMULTANEOUS_CLOSE) && a->step == TCPPHASE_STEP_FIN)
        expert_add_info(pinfo, tree, &ei_simultaneous_close);
    if (a->phase == TCPPHASE_PHASE_HALF_CLOSE && a->step == TCPPHASE_STEP_DATA)
        expert_add_info(pinfo, tree, &ei_half_close);
}

static void add_summary(proto_tree *tree, tvbuff_t *tvb, guint64 conn)
{
    const tcpphase_summary *s = (const tcpphase_summary *)wmem_map_lookup(
        summaries, GUINT_TO_POINTER((guint)conn));
    if (!s)
        return;
    proto_item *ti = proto_tree_add_none_format(tree, hf_conn_summary, tvb, 0, 0,
                                                "Connection %" PRIu64 ": %s, closed %s",
                                                s->conn, s->client,
                                                tcpphase_close_name(s->close));
    proto_item_set_generated(ti);
    proto_tree *st = proto_item_add_subtree(ti, ett_tcpphase_conn);
    proto_item_set_generated(
        proto_tree_add_string(st, hf_conn_handshake, tvb, 0, 0, tcpphase_handshake_name(s->handshake)));
    proto_item_set_generated(
        proto_tree_add_string(st, hf_conn_close, tvb, 0, 0, tcpphase_close_name(s->close)));
    proto_item_set_generated(proto_tree_add_string(st, hf_conn_active_closer, tvb, 0, 0,
                                                   tcpphase_role_name(s->active_closer)));
    proto_item_set_generated(proto_tree_add_string(st, hf_conn_conn_state, tvb, 0, 0, s->conn_state));
    proto_item_set_generated(proto_tree_add_string(st, hf_conn_history, tvb, 0, 0, s->history));
    proto_item_set_generated(
        proto_tree_add_uint(st, hf_conn_completeness, tvb, 0, 0, s->completeness));
}

static int dissect_tcpphase(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    frame_result *r = (frame_result *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tcpphase, 0);
    if (!r) {
        if (PINFO_FD_VISITED(pinfo))
            return 0; /* a frame the first pass never gave us: nothing to say */
        r = compute(pinfo, tvb);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_tcpphase, 0, r);
    } else if (!finished && tracker) {
        /* A revisit: the first pass is over; summarise what is still open. */
        finished = TRUE;
        tcpphase_tracker_finish(tracker);
        drain_summaries();
    }
    if (r->status != TCPPHASE_STATUS_OK && r->status != TCPPHASE_STATUS_MALFORMED)
        return 0;

    proto_item *ti = proto_tree_add_item(tree, proto_tcpphase, tvb, 0, 0, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(ti, ett_tcpphase);
    if (r->status == TCPPHASE_STATUS_MALFORMED) {
        proto_item_append_text(ti, ": malformed");
        proto_tree_add_string(pt, hf_phase, tvb, 0, 0, "other");
        proto_tree_add_string(pt, hf_step, tvb, 0, 0, "malformed");
        proto_tree_add_string(pt, hf_error, tvb, 0, 0, r->error);
        expert_add_info_format(pinfo, ti, &ei_malformed, "tcpphase: %s", r->error);
        return 0;
    }

    const tcpphase_annotation *a = &r->annotation;
    char tag[64];
    const char *info = info_tag(a, tag, sizeof tag);
    col_append_sep_str(pinfo->cinfo, COL_INFO, " ", info);
    /* Texts cost a formatting each: only for a tree someone will look at
     * (not for -T fields or a filter pass). */
    const gboolean shown = tree && PTREE_DATA(tree)->visible;
    if (shown)
        proto_item_append_text(ti, ": %s %s, client %s, server %s", tcpphase_phase_name(a->phase),
                               tcpphase_step_name(a->step), tcpphase_state_name(a->client_state),
                               tcpphase_state_name(a->server_state));

    proto_item_set_generated(proto_tree_add_uint(pt, hf_stream, tvb, 0, 0, (guint32)a->stream));
    proto_item_set_generated(proto_tree_add_uint(pt, hf_conn, tvb, 0, 0, (guint32)a->conn));
    proto_item_set_generated(proto_tree_add_string(pt, hf_dir, tvb, 0, 0, tcpphase_dir_name(a->dir)));
    proto_item_set_generated(
        proto_tree_add_string(pt, hf_phase, tvb, 0, 0, tcpphase_phase_name(a->phase)));
    proto_item_set_generated(proto_tree_add_string(pt, hf_step, tvb, 0, 0, tcpphase_step_name(a->step)));
    proto_item_set_generated(
        proto_tree_add_string(pt, hf_client_state, tvb, 0, 0, tcpphase_state_name(a->client_state)));
    proto_item_set_generated(
        proto_tree_add_string(pt, hf_server_state, tvb, 0, 0, tcpphase_state_name(a->server_state)));
    proto_item_set_generated(
        proto_tree_add_string(pt, hf_closer, tvb, 0, 0, tcpphase_closer_name(a->closer)));
    proto_item_set_generated(proto_tree_add_boolean(pt, hf_origin_guessed, tvb, 0, 0, a->origin_guessed));

    /* Only the flags that are set get a field, so that a filter on a flag's
     * name (`tcpphase.flags.retransmission`) picks exactly those frames. */
    static int *const flag_fields[] = {&hf_flag_retransmission, &hf_flag_simultaneous_open,
                                       &hf_flag_simultaneous_close, &hf_flag_midstream,
                                       &hf_flag_out_of_window, &hf_flag_port_reuse,
                                       &hf_flag_ack_unseen};
    proto_item *fi = proto_tree_add_uint(pt, hf_flags, tvb, 0, 0, a->flags);
    proto_item_set_generated(fi);
    if (a->flags) {
        proto_tree *ft = proto_item_add_subtree(fi, ett_tcpphase_flags);
        for (size_t bit = 0; bit < G_N_ELEMENTS(flag_fields); bit++) {
            if (a->flags & (1u << bit)) {
                proto_item_set_generated(
                    proto_tree_add_boolean(ft, *flag_fields[bit], tvb, 0, 0, a->flags));
                if (shown)
                    proto_item_append_text(fi, !(a->flags & ((1u << bit) - 1)) ? " (%s" : ", %s",
                                           tcpphase_flag_name(1u << bit));
            }
        }
        if (shown)
            proto_item_append_text(fi, ")");
    }

    add_expert(ti, pinfo, a);
    add_summary(pt, tvb, a->conn);
    return 0;
}

static void tcpphase_init(void)
{
    tcpphase_tracker_free(tracker);
    tracker = tcpphase_tracker_new();
    summaries = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    finished = FALSE;
}

static void tcpphase_cleanup(void)
{
    tcpphase_tracker_free(tracker);
    tracker = NULL;
    summaries = NULL;
    finished = FALSE;
}

static void proto_register_tcpphase(void)
{
    static hf_register_info hf[] = {
        {&hf_stream, {"Stream index", "tcpphase.stream", FT_UINT32, BASE_DEC, NULL, 0x0,
                      "Wireshark's TCP stream index, as tcpphase numbers it", HFILL}},
        {&hf_conn, {"Connection", "tcpphase.conn", FT_UINT32, BASE_DEC, NULL, 0x0,
                    "Connection number (RFC 9293 sense; a stream can hold several)", HFILL}},
        {&hf_dir, {"Direction", "tcpphase.dir", FT_STRING, BASE_NONE, NULL, 0x0,
                   "c2s or s2c", HFILL}},
        {&hf_phase, {"Phase", "tcpphase.phase", FT_STRING, BASE_NONE, NULL, 0x0,
                     "handshake, data, active-close, passive-close, half-close, reset, other", HFILL}},
        {&hf_step, {"Step", "tcpphase.step", FT_STRING, BASE_NONE, NULL, 0x0,
                    "What the segment does in its phase", HFILL}},
        {&hf_client_state, {"Client state", "tcpphase.client_state", FT_STRING, BASE_NONE, NULL, 0x0,
                            "The client's RFC 9293 state right after this segment", HFILL}},
        {&hf_server_state, {"Server state", "tcpphase.server_state", FT_STRING, BASE_NONE, NULL, 0x0,
                            "The server's RFC 9293 state right after this segment", HFILL}},
        {&hf_closer, {"Closer role", "tcpphase.closer", FT_STRING, BASE_NONE, NULL, 0x0,
                      "The sender's role in the FIN close: active or passive", HFILL}},
        {&hf_origin_guessed, {"Client guessed", "tcpphase.origin_guessed", FT_BOOLEAN, BASE_NONE,
                              NULL, 0x0, "No SYN was seen: the client is a guess", HFILL}},
        {&hf_flags, {"Flags", "tcpphase.flags", FT_UINT32, BASE_HEX, NULL, 0x0,
                     "Anomaly markers", HFILL}},
        {&hf_flag_retransmission, {"Retransmission", "tcpphase.flags.retransmission", FT_BOOLEAN, 32,
                                   NULL, TCPPHASE_FLAG_RETRANSMISSION, NULL, HFILL}},
        {&hf_flag_simultaneous_open, {"Simultaneous open", "tcpphase.flags.simultaneous_open",
                                      FT_BOOLEAN, 32, NULL, TCPPHASE_FLAG_SIMULTANEOUS_OPEN, NULL, HFILL}},
        {&hf_flag_simultaneous_close, {"Simultaneous close", "tcpphase.flags.simultaneous_close",
                                       FT_BOOLEAN, 32, NULL, TCPPHASE_FLAG_SIMULTANEOUS_CLOSE, NULL, HFILL}},
        {&hf_flag_midstream, {"Midstream", "tcpphase.flags.midstream", FT_BOOLEAN, 32, NULL,
                              TCPPHASE_FLAG_MIDSTREAM, NULL, HFILL}},
        {&hf_flag_out_of_window, {"Out of window", "tcpphase.flags.out_of_window", FT_BOOLEAN, 32,
                                  NULL, TCPPHASE_FLAG_OUT_OF_WINDOW, NULL, HFILL}},
        {&hf_flag_port_reuse, {"Port reuse", "tcpphase.flags.port_reuse", FT_BOOLEAN, 32, NULL,
                               TCPPHASE_FLAG_PORT_REUSE, NULL, HFILL}},
        {&hf_flag_ack_unseen, {"ACK of unseen data", "tcpphase.flags.ack_unseen", FT_BOOLEAN, 32,
                               NULL, TCPPHASE_FLAG_ACK_UNSEEN, NULL, HFILL}},
        {&hf_error, {"Error", "tcpphase.error", FT_STRING, BASE_NONE, NULL, 0x0,
                     "Why the frame does not parse, and where", HFILL}},
        {&hf_conn_summary, {"Connection summary", "tcpphase.conn.summary", FT_NONE, BASE_NONE, NULL,
                            0x0, "What happened to the connection, once it has ended", HFILL}},
        {&hf_conn_handshake, {"Handshake", "tcpphase.conn.handshake", FT_STRING, BASE_NONE, NULL, 0x0,
                              "complete, refused, no-answer or not-seen", HFILL}},
        {&hf_conn_close, {"Close", "tcpphase.conn.close", FT_STRING, BASE_NONE, NULL, 0x0,
                          "fin-3, fin-4, simultaneous, reset, half-open or open", HFILL}},
        {&hf_conn_active_closer, {"Active closer", "tcpphase.conn.active_closer", FT_STRING,
                                  BASE_NONE, NULL, 0x0, "client or server", HFILL}},
        {&hf_conn_conn_state, {"Zeek conn_state", "tcpphase.conn.conn_state", FT_STRING, BASE_NONE,
                               NULL, 0x0, NULL, HFILL}},
        {&hf_conn_history, {"Zeek history", "tcpphase.conn.history", FT_STRING, BASE_NONE, NULL, 0x0,
                            NULL, HFILL}},
        {&hf_conn_completeness, {"Completeness", "tcpphase.conn.completeness", FT_UINT8, BASE_DEC,
                                 NULL, 0x0, "Wireshark's tcp.completeness bits", HFILL}},
    };
    static int *ett[] = {&ett_tcpphase, &ett_tcpphase_flags, &ett_tcpphase_conn};
    static ei_register_info ei[] = {
        {&ei_abort, {"tcpphase.reset.abort", PI_SEQUENCE, PI_WARN,
                     "Connection aborted by RST", EXPFILL}},
        {&ei_refused, {"tcpphase.reset.refused", PI_SEQUENCE, PI_NOTE,
                       "Connection refused: RST answers the SYN", EXPFILL}},
        {&ei_rst_repeat, {"tcpphase.reset.repeat", PI_SEQUENCE, PI_WARN,
                          "RST repeated: the peer kept sending after the first RST", EXPFILL}},
        {&ei_rst_late, {"tcpphase.reset.late", PI_SEQUENCE, PI_NOTE,
                        "RST on a connection that had already ended", EXPFILL}},
        {&ei_simultaneous_close, {"tcpphase.simultaneous_close", PI_SEQUENCE, PI_CHAT,
                                  "Simultaneous close: both FINs crossed", EXPFILL}},
        {&ei_half_close, {"tcpphase.half_close", PI_SEQUENCE, PI_CHAT,
                          "Half-close: data after the peer's FIN", EXPFILL}},
        {&ei_malformed, {"tcpphase.malformed", PI_MALFORMED, PI_ERROR,
                         "Frame does not parse", EXPFILL}},
    };

    proto_tcpphase = proto_register_protocol("TCP Connection Phase", "tcpphase", "tcpphase");
    proto_register_field_array(proto_tcpphase, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(proto_tcpphase);
    expert_register_field_array(expert, ei, array_length(ei));
    register_init_routine(tcpphase_init);
    register_cleanup_routine(tcpphase_cleanup);
}

static void proto_reg_handoff_tcpphase(void)
{
    dissector_handle_t handle = create_dissector_handle(dissect_tcpphase, proto_tcpphase);
    register_postdissector(handle);
}

void plugin_register(void)
{
    static proto_plugin plugin;
    plugin.register_protoinfo = proto_register_tcpphase;
    plugin.register_handoff = proto_reg_handoff_tcpphase;
    proto_register_plugin(&plugin);
}

#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
