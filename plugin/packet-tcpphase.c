/* packet-tcpphase.c
 * Postdissector "TCP Connection Phase" (tcpphase): shows, for every TCP
 * segment, where its connection stands in its life (handshake, data,
 * active/passive close, half-close, reset) and both endpoints' RFC 9293
 * states. It takes each TCP layer Wireshark decoded (whatever carried it:
 * any link type, tunnel or reassembled fragment): Wireshark's tcp.stream and
 * tcp.len, the TCP header Wireshark's dissector located and the addresses
 * of the IP layer that carried it, and
 * hands the segment to libtcpphase (Rust, through its C ABI), where all
 * the logic and every label's spelling live; this file only turns the
 * answers into fields, an Info text, expert items and tables.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <epan/conversation_filter.h>
#include <ws_version.h>
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#include <wsutil/plugins.h> /* WS_PLUGIN_DESC_DISSECTOR */
#endif

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
static int hf_conn_summary = -1;
static int hf_conn_handshake = -1;
static int hf_conn_close = -1;
static int hf_conn_active_closer = -1;
static int hf_conn_conn_state = -1;
static int hf_conn_history = -1;
static int hf_conn_completeness = -1;

/* Expert items, one per class the library defines (value - 1 is the index). */
#define MAX_EXPERTS 16
static expert_field ei[MAX_EXPERTS];

/* The tracker of the open file: created when a file is opened (init
 * routine), freed when it is closed (cleanup routine). */
static tcpphase_tracker *tracker = NULL;
/* Summaries by connection number, as connections end; file scope. */
static wmem_map_t *summaries = NULL;
/* The first pass is over once a visited frame comes back: every
 * connection still open is summarised then, once. */
static gboolean finished = FALSE;
/* The "tcpphase" tap: each labelled segment's annotation, for the GUI's
 * statistics table. */
static int tcpphase_tap = -1;
/* Connections numbered so far (the highest conn seen + 1). */
static guint64 conns_seen = 0;

/* Wireshark's own protocols and fields the plugin reads: tcp.stream is
 * primed for it (in the tree even when nothing else asks for it; a primed
 * field costs every frame a node and a lookup array, so it is the only
 * one), "tcp", tcp.len, "ip" and "ipv6" are read when the tree holds them. */
static int proto_tcp = -1;
static int proto_ip = -1;
static int proto_ipv6 = -1;
static int proto_icmp = -1;
static int proto_icmpv6 = -1;
static int proto_frame = -1;
static const header_field_info *hfi_tcp_len = NULL;
static const header_field_info *hfi_tcpphase = NULL;
static const header_field_info *hfi_tcp_stream = NULL, *hfi_proto_tcp = NULL, *hfi_proto_ip = NULL,
                               *hfi_proto_ipv6 = NULL;
static int hf_tcp_len = -1;
static int hf_tcp_stream = -1;

/* A field's value: the fvalue is embedded before Wireshark 4.2, a pointer after. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#define FIELD_UINT(fi) fvalue_get_uinteger((fi)->value)
#else
#define FIELD_UINT(fi) fvalue_get_uinteger(&(fi)->value)
#endif

/* TCP layers of one frame the plugin labels (a TCP tunnel inside TCP). */
#define MAX_LAYERS 4

/* What one TCP layer of a frame got, computed in the first pass. */
typedef struct {
    tcpphase_status status;
    tcpphase_annotation annotation;
} layer_result;

/* What one frame got in the first pass, kept for later passes: `count`
 * results from `first` in `results`; `seen` says the first pass gave it. */
typedef struct {
    guint32 first;
    guint8 count;
    guint8 seen;
} frame_slot;

/* The file's first-pass results, indexed by frame number: slots in a
 * plain array grown geometrically, results in chunks that never move (a
 * grown array's copy cost every frame ~0.15 k instructions), freed when
 * the file is closed (a wmem block and a proto-data entry per frame cost
 * each frame far more). */
static frame_slot *slots = NULL;
static guint32 slots_len = 0, slots_cap = 0;
#define RESULT_CHUNK_BITS 12
#define RESULT_CHUNK ((guint32)1 << RESULT_CHUNK_BITS)
static layer_result **result_chunks = NULL;
static guint32 result_chunks_len = 0, result_chunks_cap = 0;
static guint32 results_len = 0;

/* Room for `need` elements of `size` bytes in `*array` of `*cap`. */
static void *grow(void *array, guint32 *cap, guint32 need, size_t size)
{
    if (need <= *cap)
        return array;
    guint32 cap2 = MAX(*cap, 1024);
    while (cap2 < need)
        cap2 = cap2 > G_MAXUINT32 / 2 ? G_MAXUINT32 : cap2 * 2;
    *cap = cap2;
    return g_realloc_n(array, cap2, size);
}

/* The first pass's slot of frame `num`, or NULL. */
static const frame_slot *slot_of(guint32 num)
{
    return num < slots_len && slots[num].seen ? &slots[num] : NULL;
}

/* Result `i` of the file. */
static layer_result *result_at(guint32 i)
{
    return &result_chunks[i >> RESULT_CHUNK_BITS][i & (RESULT_CHUNK - 1)];
}

/* Room for `count` more results. */
static void reserve_results(guint32 count)
{
    while ((guint64)results_len + count > (guint64)result_chunks_len * RESULT_CHUNK) {
        result_chunks = (layer_result **)grow(result_chunks, &result_chunks_cap,
                                              result_chunks_len + 1, sizeof *result_chunks);
        result_chunks[result_chunks_len++] = g_new(layer_result, RESULT_CHUNK);
    }
}

static void free_results(void)
{
    g_free(slots);
    for (guint32 c = 0; c < result_chunks_len; c++)
        g_free(result_chunks[c]);
    g_free(result_chunks);
    slots = NULL;
    result_chunks = NULL;
    slots_len = slots_cap = results_len = result_chunks_len = result_chunks_cap = 0;
}

/* Wireshark's decoding of one TCP layer, gathered from the tree. */
typedef struct {
    tcpphase_segment segment;
    gboolean have_stream, have_len, have_header, have_addresses;
    /* Where the header is: `hlen` bytes (as its data offset says) at
     * `start` of `ds`; `header` points to the `length` captured bytes
     * libtcpphase reads it from. */
    tvbuff_t *ds;
    gint start;
    guint hlen;
    const guint8 *header;
    gint length;
} gathered;

static void finish_first_pass(void);
static void prime_wanted_fields(gboolean prime);

/* The postdissector's handle, for its primed fields, and the protocol
 * its dissector checks is enabled. */
static dissector_handle_t tcpphase_handle = NULL;
static protocol_t *tcpphase_protocol = NULL;
/* Whether this file's first frame has been seen (see dissect_layers). */
static gboolean first_frame_seen = FALSE;

static void drain_summaries(void)
{
    tcpphase_summary s;
    while (tracker && tcpphase_tracker_next_summary(tracker, &s) == TCPPHASE_STATUS_OK) {
        tcpphase_summary *kept = wmem_new(wmem_file_scope(), tcpphase_summary);
        *kept = s;
        wmem_map_insert(summaries, GUINT_TO_POINTER((guint)s.conn), kept);
    }
}

/* The summary of connection `conn` once it has ended, or NULL. The
 * tracker's summaries are taken as they are asked for, not after every
 * frame: a frame of tshark -T fields that names no summary field pays
 * nothing for them. */
static const tcpphase_summary *summary_of(guint64 conn)
{
    if (!summaries)
        return NULL;
    drain_summaries();
    return (const tcpphase_summary *)wmem_map_lookup(summaries, GUINT_TO_POINTER((guint)conn));
}

/* An address of `len` bytes (4 or 16) at `bytes`. */
static void endpoint_address(tcpphase_endpoint *e, const guint8 *bytes, int len)
{
    memset(e->addr, 0, sizeof e->addr);
    memcpy(e->addr, bytes, (size_t)len);
    e->family = len == 4 ? TCPPHASE_FAMILY_IPV4 : TCPPHASE_FAMILY_IPV6;
}

/* The addresses of the IP layer that carried a TCP layer: the header
 * bytes Wireshark's IP dissector marked as that layer's. The IP node is
 * in the tree only when the tree is shown in full (it is not primed:
 * every primed field costs each frame a node and a lookup). */
static void gather_ip(proto_node *ip, gathered *g)
{
    const field_info *fi = PNODE_FINFO(ip);
    /* Source then destination: IPv4 at byte 12, IPv6 at byte 8. */
    int offset = fi->hfinfo->id == proto_ip ? 12 : 8, len = fi->hfinfo->id == proto_ip ? 4 : 16;
    g->have_addresses = fi->ds_tvb && fi->length >= offset + 2 * len &&
                        tvb_bytes_exist(fi->ds_tvb, fi->start + offset, 2 * len);
    if (!g->have_addresses)
        return;
    const guint8 *bytes = tvb_get_ptr(fi->ds_tvb, fi->start + offset, 2 * len);
    endpoint_address(&g->segment.src, bytes, len);
    endpoint_address(&g->segment.dst, bytes + len, len);
}

/* A network-layer address Wireshark's innermost IP layer left in pinfo. */
static gboolean endpoint_of_address(const address *a, tcpphase_endpoint *e)
{
    /* Copies of a constant size: the compiler inlines them. */
    if (a->type == AT_IPv4 && a->len == 4) {
        e->family = TCPPHASE_FAMILY_IPV4;
        memset(e->addr, 0, sizeof e->addr);
        memcpy(e->addr, a->data, 4);
    } else if (a->type == AT_IPv6 && a->len == 16) {
        e->family = TCPPHASE_FAMILY_IPV6;
        memcpy(e->addr, a->data, 16);
    } else {
        return FALSE;
    }
    return TRUE;
}

/* The captured bytes of the data source a frame's TCP items point into,
 * looked at once a frame (each tvb call costs the frame a few dozen
 * instructions): compute() forgets them first, as a tvb's address can
 * come back for another frame's. */
static struct {
    tvbuff_t *tvb;
    const guint8 *base;
    gint captured;
} source;

/* The captured bytes of `ds` (`*captured` of them), or NULL. */
static const guint8 *source_bytes(tvbuff_t *ds, gint *captured)
{
    if (!ds)
        return NULL;
    if (ds != source.tvb) {
        source.tvb = ds;
        source.captured = (gint)tvb_captured_length(ds);
        source.base = source.captured > 0 ? tvb_get_ptr(ds, 0, source.captured) : NULL;
    }
    *captured = source.captured;
    return source.base;
}

/* A TCP header Wireshark's TCP dissector located, `length` bytes at
 * `start` of `ds` (-1: as long as its data offset says): kept for
 * libtcpphase, whose parser reads it as it labels the segment
 * (tcpphase_tracker_feed_tcp: a header it cannot parse is malformed). */
static void gather_header(tvbuff_t *ds, gint start, gint length, gathered *g)
{
    gint captured = 0;
    const guint8 *base = source_bytes(ds, &captured);
    gint remaining = base && start >= 0 && start <= captured ? captured - start : -1;
    if (remaining < 20)
        return;
    const guint8 *bytes = base + start;
    guint hlen = (guint)(bytes[12] >> 4) * 4;
    if (length < 0)
        length = MIN((gint)hlen, remaining);
    if (length < 20 || length > remaining)
        return;
    g->header = bytes;
    g->length = length;
    g->have_header = TRUE;
    g->ds = ds;
    g->start = start;
    g->hlen = hlen;
}

/* Where the IP header whose source address `net_src` points into starts
 * in `ds`'s bytes (its version checked), or -1; `*header` is set to it. */
static gint ip_header_offset(tvbuff_t *ds, const address *net_src, const guint8 **header)
{
    gint back, need, version;
    if (net_src->type == AT_IPv4 && net_src->len == 4) {
        back = 12, need = 20, version = 4;
    } else if (net_src->type == AT_IPv6 && net_src->len == 16) {
        back = 8, need = 40, version = 6;
    } else {
        return -1;
    }
    gint captured = 0;
    const guint8 *base = source_bytes(ds, &captured);
    if (!base || captured < need)
        return -1;
    uintptr_t at = (uintptr_t)net_src->data;
    if (at < (uintptr_t)base + (uintptr_t)back ||
        at - (uintptr_t)back + (uintptr_t)need > (uintptr_t)base + (uintptr_t)captured)
        return -1;
    gint offset = (gint)(at - (uintptr_t)back - (uintptr_t)base);
    if ((base[offset] >> 4) != version)
        return -1;
    *header = base + offset;
    return offset;
}

/* The payload length Wireshark's TCP dissector gives the frame's innermost
 * TCP layer (tcp.len) when the tree does not hold it (`ip`: where the IP
 * header whose address pinfo holds is in its bytes, `h`, or -1) (a primed field costs
 * each frame a node and a lookup array): what its IP layer carried (IPv4
 * total length, IPv6 payload length; the IP header is the one whose
 * address Wireshark left in pinfo) less the headers; a segment reassembled
 * from IP fragments has a buffer of its own that holds exactly that. */
static gboolean payload_length(const packet_info *pinfo, gathered *g, gint ip, const guint8 *h)
{
    gint end = -1;
    if (ip >= 0 && ip < g->start) {
        guint carried = ((guint)h[pinfo->net_src.type == AT_IPv4 ? 2 : 4] << 8) |
                        h[pinfo->net_src.type == AT_IPv4 ? 3 : 5];
        if (carried) /* 0: segmentation offload or a jumbogram, as below */
            end = ip + (pinfo->net_src.type == AT_IPv4 ? 0 : 40) + (gint)carried;
    }
    gint reported = (gint)tvb_reported_length(g->ds);
    if (end < 0 || end > reported) /* more than there is: as much as there is */
        end = reported;
    if (end < g->start + (gint)g->hlen)
        return FALSE;
    g->segment.payload_len = (guint32)(end - g->start - (gint)g->hlen);
    return TRUE;
}

/* Whether a TCP header at `start` comes right after the IP header at `ip`
 * (`h`): IPv4 with its options, IPv6 without extension headers. */
static gboolean follows_ip(const guint8 *h, gint ip, gint start)
{
    if ((h[0] >> 4) == 4)
        return (h[0] & 0x0f) >= 5 && ip + (h[0] & 0x0f) * 4 == start;
    return h[6] == 6 /* TCP */ && ip + 40 == start;
}

/* tcp.stream or tcp.len of a TCP layer. */
static void gather_field(field_info *fi, gathered *g)
{
    if (fi->hfinfo->id == hf_tcp_len && !g->have_len) {
        g->segment.payload_len = FIELD_UINT(fi);
        g->have_len = TRUE;
    } else if (fi->hfinfo->id == hf_tcp_stream && !g->have_stream) {
        g->segment.stream = FIELD_UINT(fi);
        g->have_stream = TRUE;
    }
}

/* A TCP layer whose protocol item is in the tree (a tree shown in full, or
 * "tcp" named by a filter): the header is the item's bytes (it spans the
 * header, options included); Wireshark's own stream index and payload
 * length are its children. */
static void gather_tcp(proto_node *node, gathered *g)
{
    field_info *tcp = PNODE_FINFO(node);
    gather_header(tcp->ds_tvb, tcp->start, tcp->length, g);
    for (proto_node *n = node->first_child; n && !(g->have_len && g->have_stream); n = n->next) {
        if (PNODE_FINFO(n))
            gather_field(PNODE_FINFO(n), g);
    }
}

/* A TCP layer whose protocol item Wireshark left out (a tree not shown in
 * full, where "tcp" is not primed: it would cost each frame a node and a
 * lookup array): the primed tcp.stream and tcp.len under the stand-in node
 * it left; TCP's dissector places tcp.stream at the header's first byte.
 * FALSE when the node is not a TCP layer's. */
static gboolean gather_stand_in(proto_node *node, gathered *g, gboolean len_possible)
{
    /* Most stand-ins are other protocols': nothing is written until
     * tcp.stream is found. A stand-in holds one protocol's items: one
     * whose first field is the frame's is not TCP's. The search stops at
     * tcp.stream where no tcp.len can be in the tree (`len_possible`). */
    field_info *stream = NULL, *len = NULL;
    for (proto_node *n = node->first_child; n && !(stream && (len || !len_possible)); n = n->next) {
        field_info *fi = PNODE_FINFO(n);
        if (!fi)
            continue;
        if (!stream && !len && proto_frame >= 0 && fi->hfinfo->parent == proto_frame)
            return FALSE;
        if (fi->hfinfo->id == hf_tcp_stream && !stream)
            stream = fi;
        else if (fi->hfinfo->id == hf_tcp_len && !len)
            len = fi;
    }
    if (!stream)
        return FALSE;
    memset(g, 0, sizeof *g);
    gather_field(stream, g);
    if (len)
        gather_field(len, g);
    gather_header(stream->ds_tvb, stream->start, -1, g);
    return TRUE;
}

/* How many times Wireshark's TCP dissector ran on the frame, outside an
 * ICMP error's quoted packet. */
static unsigned tcp_layers(const packet_info *pinfo)
{
    unsigned n = 0;
    for (wmem_list_frame_t *f = pinfo->layers ? wmem_list_head(pinfo->layers) : NULL; f;
         f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp || id == proto_icmpv6)
            break;
        if (id == proto_tcp)
            n++;
    }
    return n;
}

/* Whether a filter, column or -e names the field or protocol itself
 * (Wireshark then builds its items and indexes them). */
static gboolean named(const header_field_info *hfi)
{
    return hfi && hfi->ref_type != HF_REF_TYPE_NONE && hfi->ref_type != HF_REF_TYPE_INDIRECT;
}

/* Whether the tree holds the TCP layers only as Wireshark's stand-in nodes
 * (not shown in full, protocols not built, "tcp", "ip" and "ipv6" not
 * named, tcp.len not there) and the primed tcp.stream is indexed: tshark
 * -T fields in 4.2 and later, the GUI's first pass. */
static gboolean only_stand_ins(const proto_tree *tree, gboolean len_possible)
{
    const tree_data_t *d = PTREE_DATA(tree);
    return !len_possible && !d->visible && d->fake_protocols && named(hfi_tcp_stream) &&
           hfi_proto_tcp && !named(hfi_proto_tcp) && !named(hfi_proto_ip) && !named(hfi_proto_ipv6);
}

/* The TCP layers of a tree that holds them only as stand-ins: its
 * tcp.stream items (at most MAX_LAYERS; the caller leaves out those of an
 * ICMP error's quoted packet), found through Wireshark's own index of the
 * primed field instead of a walk through every stand-in's items (a
 * frame's stand-ins hold some twenty, most of them empty). The header is
 * at tcp.stream's place. */
static unsigned gather_streams(proto_tree *tree, gathered *out)
{
    GPtrArray *streams = proto_get_finfo_ptr_array(tree, hf_tcp_stream);
    unsigned count = 0;
    for (guint i = 0; streams && i < streams->len && count < MAX_LAYERS; i++) {
        field_info *stream = (field_info *)g_ptr_array_index(streams, i);
        gathered *g = &out[count++];
        memset(g, 0, sizeof *g);
        g->segment.stream = FIELD_UINT(stream);
        g->have_stream = TRUE;
        gather_header(stream->ds_tvb, stream->start, -1, g);
    }
    return count;
}

/* Feeds every TCP layer of the frame, as Wireshark's TCP dissector decoded
 * it, at the top of the tree (a TCP header quoted in an ICMP error sits
 * deeper and is left out): a "tcp" node, or the stand-in node Wireshark
 * leaves for a protocol it does not build. Its addresses are those of the
 * IP node before it when the tree holds one, else, for the innermost TCP
 * layer, those Wireshark's innermost IP layer left in pinfo. */
static const frame_slot *compute(packet_info *pinfo, proto_tree *tree)
{
    gathered layers[MAX_LAYERS];
    unsigned count = 0;
    source.tvb = NULL;
    if (tracker && tree) {
        proto_node *ip = NULL;
        unsigned seen;
        /* Where the IP header whose addresses pinfo holds is, found for the
         * TCP layer `ip_for` (its header at `ip_at` in its bytes, -1: not
         * there). */
        const gathered *ip_for = NULL;
        const guint8 *ip_header = NULL;
        gint ip_at = -1;
        /* tcp.len is in the tree only where it is shown in full or named. */
        gboolean len_possible = PTREE_DATA(tree)->visible || !hfi_tcp_len ||
                                hfi_tcp_len->ref_type != HF_REF_TYPE_NONE;
        gboolean stand_ins = only_stand_ins(tree, len_possible);
        if (stand_ins) {
            count = gather_streams(tree, layers);
            if (count && layers[count - 1].have_header) {
                ip_for = &layers[count - 1];
                ip_at = ip_header_offset(ip_for->ds, &pinfo->net_src, &ip_header);
            }
            /* An innermost TCP header right after the IP header whose
             * addresses pinfo holds has no TCP layer after it (a header cut
             * short ends the frame's dissection) and is quoted by no ICMP
             * error (Wireshark gives pinfo back the addresses of the packet
             * that carries the error): every tcp.stream is one of the
             * frame's layers, and pinfo->layers need not be walked. */
            if (ip_at >= 0 && follows_ip(ip_header, ip_at, ip_for->start)) {
                seen = count;
            } else {
                seen = tcp_layers(pinfo);
                count = MIN(count, seen);
            }
        } else {
            seen = tcp_layers(pinfo);
        }
        for (proto_node *n = stand_ins ? NULL : tree->first_child; n && count < MAX_LAYERS; n = n->next) {
            field_info *fi = PNODE_FINFO(n);
            int id = fi ? fi->hfinfo->id : -1;
            if (id == proto_ip || id == proto_ipv6) {
                ip = n;
                continue;
            }
            if (fi && id != proto_tcp)
                continue;
            gathered *g = &layers[count];
            if (fi) {
                memset(g, 0, sizeof *g);
                gather_tcp(n, g);
            } else if (!gather_stand_in(n, g, len_possible)) {
                continue;
            }
            if (ip)
                gather_ip(ip, g);
            ip = NULL;
            count++;
        }
        /* A TCP layer Wireshark's dissector entered but could not read far
         * enough to place tcp.stream (a header cut short) left no node to
         * find: it is one of the frame's layers all the same (those before
         * an ICMP error's quoted packet), and is said to be malformed. */
        for (; count < seen && count < MAX_LAYERS; count++)
            memset(&layers[count], 0, sizeof layers[count]);
        gathered *last = count ? &layers[count - 1] : NULL;
        if (last && !last->have_addresses)
            last->have_addresses = endpoint_of_address(&pinfo->net_src, &last->segment.src) &&
                                   endpoint_of_address(&pinfo->net_dst, &last->segment.dst) &&
                                   last->segment.src.family == last->segment.dst.family;
        if (last && last->have_header && !last->have_len) {
            if (last != ip_for)
                ip_at = ip_header_offset(last->ds, &pinfo->net_src, &ip_header);
            last->have_len = payload_length(pinfo, last, ip_at, ip_header);
        }
    }
    /* Kept for the whole file: only as many layers as the frame has. */
    guint32 num = pinfo->num;
    if (num >= slots_len) {
        slots = (frame_slot *)grow(slots, &slots_cap, num + 1, sizeof *slots);
        memset(&slots[slots_len], 0, (num + 1 - slots_len) * sizeof *slots);
        slots_len = num + 1;
    }
    reserve_results(count);
    frame_slot *r = &slots[num];
    r->first = results_len;
    r->count = (guint8)count;
    r->seen = 1;
    results_len += count;
    for (unsigned i = 0; i < count; i++) {
        gathered *g = &layers[i];
        layer_result *l = result_at(r->first + i);
        if (g->have_addresses && g->have_header && g->have_stream && g->have_len) {
            g->segment.frame = pinfo->num;
            g->segment.ts_ns = (uint64_t)pinfo->abs_ts.secs * 1000000000u + (uint64_t)pinfo->abs_ts.nsecs;
            l->status = tcpphase_tracker_feed_tcp(tracker, &g->segment, g->header, (size_t)g->length,
                                                  &l->annotation);
        } else {
            l->status = TCPPHASE_STATUS_MALFORMED;
        }
        /* Written whole only where the feed worked. */
        if (l->status != TCPPHASE_STATUS_OK) {
            memset(&l->annotation, 0, sizeof l->annotation);
            l->annotation.frame = pinfo->num;
        }
        if (l->status == TCPPHASE_STATUS_MALFORMED) {
            /* Wireshark could not read this header whole: say so. */
            l->annotation.phase = TCPPHASE_PHASE_OTHER;
            l->annotation.step = TCPPHASE_STEP_MALFORMED;
            continue;
        }
        if (l->status == TCPPHASE_STATUS_OK && l->annotation.conn >= conns_seen)
            conns_seen = l->annotation.conn + 1;
    }
    return r;
}

/* The registrations of the fields show_layer adds, looked up once (at
 * handoff) so that each frame's "is it wanted" test is a load. */
static const header_field_info *hfi_stream, *hfi_conn, *hfi_dir, *hfi_phase, *hfi_step,
    *hfi_client_state, *hfi_server_state, *hfi_closer;
/* The summary's fields: the item and each of its children. */
static const header_field_info *hfi_summary[7];
/* The flags item and each flag; the client-guessed marker. */
static const header_field_info *hfi_flags[8];
static const header_field_info *hfi_origin_guessed;

/* Whether a field added to a tree would be built: the tree is shown in
 * full (`all`: every node of a tree shares the root's tree data, so it is
 * looked at once a frame), or a filter, column or -e names the field
 * (Wireshark's own proto_field_is_referenced, for a field that is not a
 * protocol). */
static inline gboolean wanted(gboolean all, const header_field_info *info)
{
    return all || info->ref_type != HF_REF_TYPE_NONE;
}

/* Whether the flags item or one of its flags would be built (one test of
 * their registrations, HF_REF_TYPE_NONE being 0): where none would, a
 * flagged segment (one in twenty of a busy capture) pays nothing for them. */
static gboolean flags_wanted(gboolean all)
{
    guint refs = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(hfi_flags); i++)
        refs |= (guint)hfi_flags[i]->ref_type;
    return all || refs != HF_REF_TYPE_NONE;
}

static void add_summary(proto_tree *tree, gboolean all, guint64 conn)
{
    /* Nothing of it would be built: no need to look it up. One test of
     * the seven registrations, not seven calls (HF_REF_TYPE_NONE is 0),
     * written out: a loop over them costs each frame twice as much. */
    G_STATIC_ASSERT(G_N_ELEMENTS(hfi_summary) == 7);
    guint refs = (guint)hfi_summary[0]->ref_type | (guint)hfi_summary[1]->ref_type |
                 (guint)hfi_summary[2]->ref_type | (guint)hfi_summary[3]->ref_type |
                 (guint)hfi_summary[4]->ref_type | (guint)hfi_summary[5]->ref_type |
                 (guint)hfi_summary[6]->ref_type;
    if (!all && refs == HF_REF_TYPE_NONE)
        return;
    const tcpphase_summary *s = summary_of(conn);
    if (!s)
        return;
    proto_item *ti = proto_tree_add_none_format(tree, hf_conn_summary, NULL, 0, 0,
                                                "Connection %" PRIu64 ": %s, closed %s",
                                                s->conn, s->client, tcpphase_close_name(s->close));
    proto_item_set_generated(ti);
    proto_tree *st = proto_item_add_subtree(ti, ett_tcpphase_conn);
    proto_item_set_generated(
        proto_tree_add_string(st, hf_conn_handshake, NULL, 0, 0, tcpphase_handshake_name(s->handshake)));
    proto_item_set_generated(
        proto_tree_add_string(st, hf_conn_close, NULL, 0, 0, tcpphase_close_name(s->close)));
    proto_item_set_generated(proto_tree_add_string(st, hf_conn_active_closer, NULL, 0, 0,
                                                   tcpphase_role_name(s->active_closer)));
    proto_item_set_generated(proto_tree_add_string(st, hf_conn_conn_state, NULL, 0, 0, s->conn_state));
    proto_item_set_generated(proto_tree_add_string(st, hf_conn_history, NULL, 0, 0, s->history));
    proto_item_set_generated(
        proto_tree_add_uint(st, hf_conn_completeness, NULL, 0, 0, s->completeness));
}

/* A field is built only where it is wanted: in a tree shown in full, or,
 * in one that is not (tshark -T fields in Wireshark 4.2 and later, filters,
 * columns, taps), when a filter, column or -e names it. Wireshark would
 * drop the others itself, after the call. */
static inline void add_uint(proto_tree *pt, gboolean all, const header_field_info *info, guint32 value)
{
    if (wanted(all, info))
        proto_item_set_generated(proto_tree_add_uint(pt, info->id, NULL, 0, 0, value));
}

/* A label field, its text looked up only where the field is wanted. */
#define add_string(pt, all, info, value)                                                        \
    do {                                                                                        \
        if (wanted((all), (info)))                                                              \
            proto_item_set_generated(proto_tree_add_string((pt), (info)->id, NULL, 0, 0, (value))); \
    } while (0)


static void show_layer(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const layer_result *l)
{
    const tcpphase_annotation *a = &l->annotation;
    if (l->status == TCPPHASE_STATUS_OK)
        tap_queue_packet(tcpphase_tap, pinfo, a);
    uint32_t expert = tcpphase_expert_of(a->phase, a->step, a->flags);
    gboolean has_expert = expert != TCPPHASE_EXPERT_NONE && expert <= tcpphase_expert_count();
    /* The protocol item where anything can show or name it; in a tree not
     * shown in full where only some field is named (tshark -T fields -e
     * tcpphase.phase in 4.2 and later), the fields go straight under the
     * tree's top: an item Wireshark would not build still costs a node. */
    proto_tree *pt = tree;
    proto_item *ti = NULL;
    if (has_expert || !tree || PTREE_DATA(tree)->visible || !PTREE_DATA(tree)->fake_protocols ||
        named(hfi_tcpphase)) {
        ti = proto_tree_add_item(tree, proto_tcpphase, tvb, 0, 0, ENC_NA);
        pt = proto_item_add_subtree(ti, ett_tcpphase);
    }
    const char *info = pinfo->cinfo ? tcpphase_info_text(a->phase, a->step) : NULL;
    if (info)
        col_append_sep_str(pinfo->cinfo, COL_INFO, " ", info);
    if (has_expert)
        expert_add_info(pinfo, ti, &ei[expert - 1]);
    if (l->status != TCPPHASE_STATUS_OK) {
        proto_tree_add_string(pt, hf_phase, NULL, 0, 0, tcpphase_phase_name(a->phase));
        proto_tree_add_string(pt, hf_step, NULL, 0, 0, tcpphase_step_name(a->step));
        return;
    }
    /* No tree: nothing below would be built. */
    if (!pt)
        return;
    gboolean all = PTREE_DATA(pt)->visible;
    /* Every item costs Wireshark a node to build, walk and free in each
     * tree shown in full (tshark -T fields and -V, the GUI's details): the
     * fields whose value is the usual one are left out, as Wireshark's
     * tcp.analysis.* are, and none gets a formatted text. */
    add_uint(pt, all, hfi_stream, (guint32)a->stream);
    add_uint(pt, all, hfi_conn, (guint32)a->conn);
    add_string(pt, all, hfi_dir, tcpphase_dir_name(a->dir));
    add_string(pt, all, hfi_phase, tcpphase_phase_name(a->phase));
    add_string(pt, all, hfi_step, tcpphase_step_name(a->step));
    add_string(pt, all, hfi_client_state, tcpphase_state_name(a->client_state));
    add_string(pt, all, hfi_server_state, tcpphase_state_name(a->server_state));
    /* The closer role once a FIN has been seen (empty before). */
    if (a->closer != TCPPHASE_CLOSER_NONE)
        add_string(pt, all, hfi_closer, tcpphase_closer_name(a->closer));
    if (a->origin_guessed && wanted(all, hfi_origin_guessed))
        proto_item_set_generated(proto_tree_add_boolean(pt, hf_origin_guessed, NULL, 0, 0, TRUE));

    /* The flags only when one is set, and then only the flags that are
     * set, so that a filter on a flag's name
     * (`tcpphase.flags.retransmission`) picks exactly those frames. */
    if (a->flags && flags_wanted(all)) {
        static int *const flag_fields[] = {&hf_flag_retransmission, &hf_flag_simultaneous_open,
                                           &hf_flag_simultaneous_close, &hf_flag_midstream,
                                           &hf_flag_out_of_window, &hf_flag_port_reuse,
                                           &hf_flag_ack_unseen};
        proto_item *fi = proto_tree_add_uint(pt, hf_flags, NULL, 0, 0, a->flags);
        proto_item_set_generated(fi);
        proto_tree *ft = proto_item_add_subtree(fi, ett_tcpphase_flags);
        for (size_t bit = 0; bit < G_N_ELEMENTS(flag_fields); bit++) {
            if (a->flags & (1u << bit))
                proto_item_set_generated(
                    proto_tree_add_boolean(ft, *flag_fields[bit], NULL, 0, 0, a->flags));
        }
    }
    add_summary(pt, all, a->conn);
}

static void dissect_layers(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const frame_slot *r = slot_of(pinfo->num);
    if (!r) {
        if (PINFO_FD_VISITED(pinfo))
            return; /* a frame the first pass never gave us: nothing to say */
        /* A first pass whose trees are shown in full (tshark -V, and -T
         * fields before 4.2, single pass) holds every node the plugin reads without priming,
         * and a primed field costs each frame a lookup array: prime only
         * where the trees are not (the GUI's and tshark -2's first pass,
         * filters, taps). Decided on the file's first frame. */
        if (!first_frame_seen) {
            first_frame_seen = TRUE;
            if (tree && PTREE_DATA(tree)->visible)
                prime_wanted_fields(FALSE);
        }
        r = compute(pinfo, tree);
    } else {
        /* A revisit: the first pass is over. */
        finish_first_pass();
    }
    for (unsigned i = 0; i < r->count; i++)
        show_layer(tvb, pinfo, tree, result_at(r->first + i));
}

/* The postdissector. Its handle names no protocol, so that Wireshark does
 * not add a "tcpphase" layer to the frame's layers and take it out again
 * (the plugin accepts no bytes) on every frame: ~0.35 k instructions a
 * frame in 4.6. What Wireshark would do for a protocol's handle that
 * anything can see is done here: nothing when the protocol is disabled
 * (Analyze > Enabled Protocols, --disable-protocol), and, while the
 * plugin runs, "tcpphase" as the current protocol (expert items name it)
 * and the layer numbers its fields carry (the `#` layer operator). */
static int dissect_tcpphase(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!tcpphase_protocol || !proto_is_protocol_enabled(tcpphase_protocol))
        return 0;
    const char *saved_proto = pinfo->current_proto;
    guint8 saved_proto_layer = pinfo->curr_proto_layer_num;
    pinfo->current_proto = "tcpphase";
    pinfo->curr_layer_num++;
    pinfo->curr_proto_layer_num = 1;
    dissect_layers(tvb, pinfo, tree);
    pinfo->curr_proto_layer_num = saved_proto_layer;
    pinfo->curr_layer_num--;
    pinfo->current_proto = saved_proto;
    return 0;
}

/* Summarises what is still open once the first pass is over. */
static void finish_first_pass(void)
{
    if (!finished && tracker) {
        finished = TRUE;
        tcpphase_tracker_finish(tracker);
        drain_summaries();
    }
}

/* A table cell: "-" where there is nothing to say, as `tcpphase conns`. */
static const char *cell(const char *text)
{
    return text && *text ? text : "-";
}

/* `-z tcpphase,conns`: the per-connection summary, as `tcpphase conns`
 * prints it, once the capture has been read. */
static void conns_draw(void *data _U_)
{
    finish_first_pass();
    printf("\n=== tcpphase: connections ===\n");
    printf("%5s %6s %-45s %-45s %-9s %-12s %-7s %-12s %-12s %-6s %-16s %5s %7s %7s\n", "conn",
           "stream", "client", "server", "handshake", "close", "closer", "client_state",
           "server_state", "zeek", "history", "compl", "pkts", "bytes");
    for (guint64 c = 0; summaries && c < conns_seen; c++) {
        const tcpphase_summary *s = summary_of(c);
        if (!s)
            continue;
        printf("%5" PRIu64 " %6" PRIu64 " %-45s %-45s %-9s %-12s %-7s %-12s %-12s %-6s %-16s %5u %7" PRIu64
               " %7" PRIu64 "\n",
               s->conn, s->stream, cell(s->client), cell(s->server),
               cell(tcpphase_handshake_name(s->handshake)), cell(tcpphase_close_name(s->close)),
               cell(tcpphase_role_name(s->active_closer)), cell(tcpphase_state_name(s->client_state)),
               cell(tcpphase_state_name(s->server_state)), cell(s->conn_state), cell(s->history), (unsigned)s->completeness,
               s->client_packets + s->server_packets, s->client_bytes + s->server_bytes);
    }
    printf("===\n");
}

static tap_packet_status conns_packet(void *data _U_, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *p _U_
#if WIRESHARK_VERSION_MAJOR > 3 || (WIRESHARK_VERSION_MAJOR == 3 && WIRESHARK_VERSION_MINOR >= 7)
                                      , tap_flags_t flags _U_
#endif
)
{
    return TAP_PACKET_DONT_REDRAW;
}

/* 4.6 lets the -z callback say whether it worked. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 6)
#define CONNS_INIT_RESULT bool
#define CONNS_INIT_RETURN(ok) return (ok)
#else
#define CONNS_INIT_RESULT void
#define CONNS_INIT_RETURN(ok) (void)(ok)
#endif

static CONNS_INIT_RESULT conns_init(const char *opt_arg _U_, void *userdata _U_)
{
    GString *error = register_tap_listener("frame", &conns_seen, NULL, TL_REQUIRES_NOTHING, NULL,
                                           conns_packet, conns_draw, NULL);
    if (error) {
        fprintf(stderr, "tcpphase,conns: %s\n", error->str);
        g_string_free(error, TRUE);
    }
    CONNS_INIT_RETURN(error == NULL);
}

/* Statistics > TCP Connection Phase in the GUI: one row per connection,
 * the columns of `-z tcpphase,conns`, sortable; a row's frames are
 * `tcpphase.conn == N` (the table's filter). */
static stat_tap_table_item conns_fields[] = {
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "conn", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "stream", "%u"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "client", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "server", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "handshake", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "close", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "closer", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "client_state", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "server_state", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "zeek", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "history", "%s"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "pkts", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "bytes", "%u"},
};
#define CONNS_FIELDS G_N_ELEMENTS(conns_fields)

static void table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_init_table("TCP connections", (int)CONNS_FIELDS, 0, "tcpphase.conn==");
    stat_tap_add_table(ui, table);
}

static void set_string(stat_tap_table_item_type *item, const char *text)
{
    g_free((char *)item->value.string_value);
    item->value.string_value = g_strdup(cell(text));
}

/* Fills connection `conn`'s row: the summary once it is known, the
 * segment's own view before. */
static void table_fill(stat_tap_table *table, const tcpphase_annotation *a)
{
    while (table->num_elements <= a->conn) {
        stat_tap_table_item_type items[CONNS_FIELDS];
        memset(items, 0, sizeof items);
        for (size_t f = 0; f < CONNS_FIELDS; f++) {
            items[f].type = conns_fields[f].type;
            if (items[f].type == TABLE_ITEM_STRING)
                items[f].value.string_value = g_strdup(cell(NULL));
        }
        items[0].value.uint_value = table->num_elements;
        stat_tap_init_table_row(table, table->num_elements, (guint)CONNS_FIELDS, items);
    }
    stat_tap_table_item_type *row = table->elements[a->conn];
    const tcpphase_summary *s = summary_of(a->conn);
    row[1].value.uint_value = (guint)a->stream;
    if (!s) {
        row[11].value.uint_value++;
        row[12].value.uint_value += a->len;
        set_string(&row[7], tcpphase_state_name(a->client_state));
        set_string(&row[8], tcpphase_state_name(a->server_state));
        return;
    }
    set_string(&row[2], s->client);
    set_string(&row[3], s->server);
    set_string(&row[4], tcpphase_handshake_name(s->handshake));
    set_string(&row[5], tcpphase_close_name(s->close));
    set_string(&row[6], tcpphase_role_name(s->active_closer));
    set_string(&row[7], tcpphase_state_name(s->client_state));
    set_string(&row[8], tcpphase_state_name(s->server_state));
    set_string(&row[9], s->conn_state);
    set_string(&row[10], s->history);
    row[11].value.uint_value = (guint)(s->client_packets + s->server_packets);
    row[12].value.uint_value = (guint)(s->client_bytes + s->server_bytes);
}

static tap_packet_status table_packet(void *data, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *p, tap_flags_t flags _U_)
{
    stat_data_t *stat = (stat_data_t *)data;
    const tcpphase_annotation *a = (const tcpphase_annotation *)p;
    if (!stat || !stat->stat_tap_data || !stat->stat_tap_data->tables || !a)
        return TAP_PACKET_DONT_REDRAW;
    table_fill(g_array_index(stat->stat_tap_data->tables, stat_tap_table *, 0), a);
    return TAP_PACKET_REDRAW;
}

static void table_reset(stat_tap_table *table)
{
    for (guint r = 0; r < table->num_elements; r++) {
        for (guint f = 0; f < table->num_fields; f++) {
            stat_tap_table_item_type *item = &table->elements[r][f];
            if (item->type == TABLE_ITEM_STRING)
                set_string(item, NULL);
            else if (f != 0)
                item->value.uint_value = 0;
        }
    }
}

static void table_free_item(stat_tap_table *table _U_, guint row _U_, guint column _U_,
                            stat_tap_table_item_type *item)
{
    if (item->type == TABLE_ITEM_STRING) {
        g_free((char *)item->value.string_value);
        item->value.string_value = NULL;
    }
}

/* The connection of the last TCP layer the first pass labelled in a
 * frame, or NULL. */
static const tcpphase_annotation *frame_connection(packet_info *pinfo)
{
    const frame_slot *r = slot_of(pinfo->num);
    for (unsigned i = r ? r->count : 0; i-- > 0;) {
        if (result_at(r->first + i)->status == TCPPHASE_STATUS_OK)
            return &result_at(r->first + i)->annotation;
    }
    return NULL;
}

/* "Conversation Filter > TCP Connection Phase" in the packet list's menu
 * and the Analyze menu (and "Colorize Conversation"): the selected frame's
 * connection, `tcpphase.conn == N`. The statistics table's own menu offers
 * no filter in Wireshark's Qt GUI. 4.2 gave the callbacks user data. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
static bool conn_filter_valid(packet_info *pinfo, void *user_data _U_)
{
    return frame_connection(pinfo) != NULL;
}

static char *conn_filter(packet_info *pinfo, void *user_data _U_)
#else
static gboolean conn_filter_valid(packet_info *pinfo)
{
    return frame_connection(pinfo) != NULL;
}

static gchar *conn_filter(packet_info *pinfo)
#endif
{
    const tcpphase_annotation *a = frame_connection(pinfo);
    return a ? g_strdup_printf("tcpphase.conn == %" PRIu64, a->conn) : NULL;
}

static void tcpphase_init(void)
{
    tcpphase_tracker_free(tracker);
    tracker = tcpphase_tracker_new();
    free_results();
    summaries = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    finished = FALSE;
    conns_seen = 0;
    first_frame_seen = FALSE;
    if (tcpphase_handle)
        prime_wanted_fields(TRUE);
}

static void tcpphase_cleanup(void)
{
    tcpphase_tracker_free(tracker);
    tracker = NULL;
    free_results();
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
                   "Client to server or back (docs/labels.md)", HFILL}},
        {&hf_phase, {"Phase", "tcpphase.phase", FT_STRING, BASE_NONE, NULL, 0x0,
                     "Where the connection stands (docs/labels.md)", HFILL}},
        {&hf_step, {"Step", "tcpphase.step", FT_STRING, BASE_NONE, NULL, 0x0,
                    "What the segment does in its phase (docs/labels.md)", HFILL}},
        {&hf_client_state, {"Client state", "tcpphase.client_state", FT_STRING, BASE_NONE, NULL, 0x0,
                            "The client's RFC 9293 state right after this segment", HFILL}},
        {&hf_server_state, {"Server state", "tcpphase.server_state", FT_STRING, BASE_NONE, NULL, 0x0,
                            "The server's RFC 9293 state right after this segment", HFILL}},
        {&hf_closer, {"Closer role", "tcpphase.closer", FT_STRING, BASE_NONE, NULL, 0x0,
                      "The sender's role in the FIN close (docs/labels.md)", HFILL}},
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
        {&hf_conn_summary, {"Connection summary", "tcpphase.conn.summary", FT_NONE, BASE_NONE, NULL,
                            0x0, "What happened to the connection, once it has ended", HFILL}},
        {&hf_conn_handshake, {"Handshake", "tcpphase.conn.handshake", FT_STRING, BASE_NONE, NULL, 0x0,
                              "How the handshake went (docs/labels.md)", HFILL}},
        {&hf_conn_close, {"Close", "tcpphase.conn.close", FT_STRING, BASE_NONE, NULL, 0x0,
                          "How the connection ended (docs/labels.md)", HFILL}},
        {&hf_conn_active_closer, {"Active closer", "tcpphase.conn.active_closer", FT_STRING,
                                  BASE_NONE, NULL, 0x0, "Who closed first (docs/labels.md)", HFILL}},
        {&hf_conn_conn_state, {"Zeek conn_state", "tcpphase.conn.conn_state", FT_STRING, BASE_NONE,
                               NULL, 0x0, NULL, HFILL}},
        {&hf_conn_history, {"Zeek history", "tcpphase.conn.history", FT_STRING, BASE_NONE, NULL, 0x0,
                            NULL, HFILL}},
        {&hf_conn_completeness, {"Completeness", "tcpphase.conn.completeness", FT_UINT8, BASE_DEC,
                                 NULL, 0x0, "Wireshark's tcp.completeness bits", HFILL}},
    };
    static int *ett[] = {&ett_tcpphase, &ett_tcpphase_flags, &ett_tcpphase_conn};

    proto_tcpphase = proto_register_protocol("TCP Connection Phase", "tcpphase", "tcpphase");
    proto_register_field_array(proto_tcpphase, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    /* The expert items: names, summaries and severities are the library's. */
    static ei_register_info eri[MAX_EXPERTS];
    static const int severity[] = {[TCPPHASE_SEVERITY_CHAT] = PI_CHAT, [TCPPHASE_SEVERITY_NOTE] = PI_NOTE,
                                   [TCPPHASE_SEVERITY_WARN] = PI_WARN, [TCPPHASE_SEVERITY_ERROR] = PI_ERROR};
    uint32_t experts = MIN(tcpphase_expert_count(), MAX_EXPERTS);
    for (uint32_t e = 1; e <= experts; e++) {
        uint32_t sev = tcpphase_expert_severity(e);
        ei_register_info info = {&ei[e - 1],
                                 {g_strdup_printf("tcpphase.%s", tcpphase_expert_name(e)),
                                  sev == TCPPHASE_SEVERITY_ERROR ? PI_MALFORMED : PI_SEQUENCE,
                                  sev < G_N_ELEMENTS(severity) ? severity[sev] : PI_NOTE,
                                  tcpphase_expert_summary(e), EXPFILL}};
        ei[e - 1] = (expert_field)EI_INIT;
        eri[e - 1] = info;
    }
    expert_module_t *expert = expert_register_protocol(proto_tcpphase);
    expert_register_field_array(expert, eri, (int)experts);
    register_init_routine(tcpphase_init);
    static stat_tap_ui conns_ui = {REGISTER_STAT_GROUP_GENERIC, "TCP Connection Phase: connections",
                                   "tcpphase,conns", conns_init, 0, NULL};
    register_stat_tap_ui(&conns_ui, NULL);
    tcpphase_tap = register_tap("tcpphase");
    static stat_tap_table_ui table_ui = {REGISTER_STAT_GROUP_GENERIC,
                                         "TCP Connection Phase",
                                         "tcpphase",
                                         "tcpphase,table",
                                         table_init,
                                         table_packet,
                                         table_reset,
                                         table_free_item,
                                         NULL,
                                         CONNS_FIELDS,
                                         conns_fields,
                                         0,
                                         NULL,
                                         NULL,
                                         0};
    register_stat_tap_table_ui(&table_ui);
    register_cleanup_routine(tcpphase_cleanup);
}

/* Asks Wireshark to build the node the plugin needs (tcp.stream) in
 * every tree, or in none. */
static void prime_wanted_fields(gboolean prime)
{
    GArray *ids = NULL;
    if (prime) {
        ids = g_array_new(FALSE, FALSE, (guint)sizeof(int));
        const int wanted[] = {hf_tcp_stream};
        for (size_t i = 0; i < G_N_ELEMENTS(wanted); i++) {
            if (wanted[i] >= 0)
                g_array_append_val(ids, wanted[i]);
        }
    }
    set_postdissector_wanted_hfids(tcpphase_handle, ids);
}

static void proto_reg_handoff_tcpphase(void)
{
    /* No protocol on the handle: see dissect_tcpphase. */
    tcpphase_handle = create_dissector_handle(dissect_tcpphase, -1);
    tcpphase_protocol = find_protocol_by_id(proto_tcpphase);
    register_postdissector(tcpphase_handle);
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
    register_conversation_filter("tcpphase", "TCP Connection Phase", conn_filter_valid, conn_filter, NULL);
#else
    register_conversation_filter("tcpphase", "TCP Connection Phase", conn_filter_valid, conn_filter);
#endif
    proto_tcp = proto_registrar_get_id_byname("tcp");
    hf_tcp_len = proto_registrar_get_id_byname("tcp.len");
    hf_tcp_stream = proto_registrar_get_id_byname("tcp.stream");
    /* Read when the tree holds them, never primed. */
    proto_ip = proto_registrar_get_id_byname("ip");
    proto_ipv6 = proto_registrar_get_id_byname("ipv6");
    proto_icmp = proto_registrar_get_id_byname("icmp");
    proto_icmpv6 = proto_registrar_get_id_byname("icmpv6");
    proto_frame = proto_registrar_get_id_byname("frame");
    hfi_tcp_len = hf_tcp_len >= 0 ? proto_registrar_get_nth((guint)hf_tcp_len) : NULL;
    hfi_tcp_stream = hf_tcp_stream >= 0 ? proto_registrar_get_nth((guint)hf_tcp_stream) : NULL;
    hfi_proto_tcp = proto_tcp >= 0 ? proto_registrar_get_nth((guint)proto_tcp) : NULL;
    hfi_proto_ip = proto_ip >= 0 ? proto_registrar_get_nth((guint)proto_ip) : NULL;
    hfi_proto_ipv6 = proto_ipv6 >= 0 ? proto_registrar_get_nth((guint)proto_ipv6) : NULL;
    hfi_tcpphase = proto_registrar_get_nth((guint)proto_tcpphase);
    hfi_stream = proto_registrar_get_nth((guint)hf_stream);
    hfi_conn = proto_registrar_get_nth((guint)hf_conn);
    hfi_dir = proto_registrar_get_nth((guint)hf_dir);
    hfi_phase = proto_registrar_get_nth((guint)hf_phase);
    hfi_step = proto_registrar_get_nth((guint)hf_step);
    hfi_client_state = proto_registrar_get_nth((guint)hf_client_state);
    hfi_server_state = proto_registrar_get_nth((guint)hf_server_state);
    hfi_closer = proto_registrar_get_nth((guint)hf_closer);
    const int summary_fields[G_N_ELEMENTS(hfi_summary)] = {
        hf_conn_summary, hf_conn_handshake, hf_conn_close, hf_conn_active_closer,
        hf_conn_conn_state, hf_conn_history, hf_conn_completeness};
    for (size_t i = 0; i < G_N_ELEMENTS(hfi_summary); i++)
        hfi_summary[i] = proto_registrar_get_nth((guint)summary_fields[i]);
    const int flag_fields[G_N_ELEMENTS(hfi_flags)] = {
        hf_flags, hf_flag_retransmission, hf_flag_simultaneous_open, hf_flag_simultaneous_close,
        hf_flag_midstream, hf_flag_out_of_window, hf_flag_port_reuse, hf_flag_ack_unseen};
    for (size_t i = 0; i < G_N_ELEMENTS(hfi_flags); i++)
        hfi_flags[i] = proto_registrar_get_nth((guint)flag_fields[i]);
    hfi_origin_guessed = proto_registrar_get_nth((guint)hf_origin_guessed);
    prime_wanted_fields(TRUE);
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
