//! `tcpphase conns --zeek`: Zeek's conn.log. The header is read the way
//! `zeek-cut` reads it (the separator from `#separator`, the columns by
//! name from `#fields`); the rows are held against Zeek's own btest
//! baselines for the Zeek traces of the shared corpus (skipped when the
//! corpus is not beside the repository), field for field except the uid,
//! `ts` (masked in the baselines), `service` (no application analyzers
//! here) and `local_orig` / `local_resp` (they depend on the test's site
//! settings).

mod common;

use common::{pcapng_with_a_second_link_type, recording, tcpphase, Pcap};
use std::path::PathBuf;

/// A conn.log read the way zeek-cut reads one.
struct ZeekLog {
    separator: String,
    fields: Vec<String>,
    types: Vec<String>,
    rows: Vec<Vec<String>>,
    closed: bool,
}

impl ZeekLog {
    fn parse(text: &str) -> ZeekLog {
        let mut lines = text.lines();
        let first = lines.next().expect("a first line");
        let escaped = first
            .strip_prefix("#separator ")
            .expect("#separator first, as zeek-cut expects");
        // zeek-cut: the separator is written as \xHH.
        let hex = escaped.strip_prefix("\\x").expect("\\x escape");
        let byte = u8::from_str_radix(hex, 16).expect("hex separator");
        let separator = (byte as char).to_string();
        let mut log = ZeekLog {
            separator: separator.clone(),
            fields: vec![],
            types: vec![],
            rows: vec![],
            closed: false,
        };
        for line in lines {
            if let Some(meta) = line.strip_prefix('#') {
                let mut parts = meta.split(separator.as_str());
                match parts.next() {
                    Some("fields") => log.fields = parts.map(String::from).collect(),
                    Some("types") => log.types = parts.map(String::from).collect(),
                    Some("close") => log.closed = true,
                    _ => {}
                }
            } else {
                log.rows
                    .push(line.split(separator.as_str()).map(String::from).collect());
            }
        }
        log
    }

    /// `zeek-cut NAMES...`: the named columns of every row.
    fn cut(&self, names: &[&str]) -> Vec<String> {
        let at: Vec<usize> = names
            .iter()
            .map(|n| {
                self.fields
                    .iter()
                    .position(|f| f == n)
                    .unwrap_or_else(|| panic!("no field {n}"))
            })
            .collect();
        self.rows
            .iter()
            .map(|r| {
                at.iter()
                    .map(|&i| r[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}

/// The loopback recordings carry the kernel's partial checksums (offload):
/// Zeek, as tcpphase, reads them as checksum errors unless `-C`
/// (`--zeek-opt ignore_checksums=T`).
#[test]
fn the_header_is_zeeks_and_zeek_cut_reads_it() {
    let path = recording("close-four-segment.pcap");
    let checked = tcpphase(&["conns", "--zeek", &path], None);
    assert!(ZeekLog::parse(&checked.out)
        .cut(&["history"])
        .iter()
        .all(|h| h.contains('C')));
    let run = tcpphase(
        &["conns", "--zeek", "--zeek-opt", "ignore_checksums=T", &path],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.err);
    let lines: Vec<&str> = run.out.lines().collect();
    assert_eq!(lines[0], "#separator \\x09");
    assert_eq!(lines[1], "#set_separator\t,");
    assert_eq!(lines[2], "#empty_field\t(empty)");
    assert_eq!(lines[3], "#unset_field\t-");
    assert_eq!(lines[4], "#path\tconn");
    assert!(
        lines[5].starts_with("#open\t") && lines[5].len() == "#open\t2026-01-01-00-00-00".len()
    );
    assert!(lines.last().unwrap().starts_with("#close\t"));
    let log = ZeekLog::parse(&run.out);
    assert_eq!(log.separator, "\t");
    assert!(log.closed);
    assert_eq!(
        log.fields.join(" "),
        "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents ip_proto"
    );
    assert_eq!(
        log.types.join(" "),
        "time string addr port addr port enum string interval count count string bool bool count string count count count count set[string] count"
    );
    assert!(!log.rows.is_empty());
    for row in &log.rows {
        assert_eq!(row.len(), log.fields.len(), "{row:?}");
    }
    assert_eq!(log.cut(&["proto", "conn_state"]), ["tcp SF"]);
}

#[test]
fn uids_are_the_same_on_every_run() {
    let path = recording("port-reuse.pcap");
    let a = tcpphase(&["conns", "--zeek", &path], None);
    let b = tcpphase(&["conns", "--zeek", &path], None);
    let uids = |out: &str| ZeekLog::parse(out).cut(&["uid"]);
    assert!(!uids(&a.out).is_empty());
    assert_eq!(uids(&a.out), uids(&b.out));
}

#[test]
fn zeek_json_is_one_object_per_connection_without_unset_fields() {
    let tsv = tcpphase(&["conns", "--zeek", &recording("refused.pcap")], None);
    let json = tcpphase(&["conns", "--zeek-json", &recording("refused.pcap")], None);
    assert_eq!(json.code, 0, "{}", json.err);
    let log = ZeekLog::parse(&tsv.out);
    let objects: Vec<serde_json::Value> = json
        .out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(objects.len(), log.rows.len());
    for (o, row) in objects.iter().zip(&log.rows) {
        assert_eq!(o["uid"], row[1].as_str());
        assert_eq!(o["conn_state"], row[11].as_str());
        assert_eq!(o["proto"], "tcp");
        assert!(o.get("service").is_none(), "unset fields are left out");
        assert!(o["id.orig_p"].is_u64() && o["ts"].is_f64());
    }
}

#[test]
fn help_says_tcp_only_and_bad_options_are_usage_errors() {
    let help = tcpphase(&["conns", "--help"], None);
    assert!(help.out.contains("TCP connections only"), "{}", help.out);
    assert!(help.out.contains("Zeek 8's conn.log"), "{}", help.out);
    assert!(help.out.contains("tcp_excessive_data_without_further_acks"));
    let bad = tcpphase(
        &[
            "conns",
            "--zeek",
            "--zeek-opt",
            "tcp_nothing=5",
            &recording("refused.pcap"),
        ],
        None,
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.err.contains("unknown Zeek option 'tcp_nothing'"),
        "{}",
        bad.err
    );
}

/// Frames of a link type tcpphase does not read are told once, with exit
/// status 1, and the TCP connections of the other frames are still written.
#[test]
fn an_unsupported_link_type_is_told_and_the_rest_written() {
    let pcap = Pcap::read(&recording("close-four-segment.pcap"));
    let mixed = pcapng_with_a_second_link_type(&pcap, 220);
    let run = tcpphase(
        &["conns", "--zeek", "--zeek-opt", "ignore_checksums=T", "-"],
        Some(&mixed),
    );
    assert_eq!(run.code, 1, "{}", run.err);
    assert_eq!(
        run.err.matches("unsupported link type 220").count(),
        1,
        "{}",
        run.err
    );
    let log = ZeekLog::parse(&run.out);
    assert!(log.closed);
    assert_eq!(log.cut(&["conn_state"]), ["SF"]);
}

/// `../shared/corpus/zeek` beside the repository, when it is there.
fn zeek_corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/zeek");
    dir.is_dir().then_some(dir)
}

/// The fields compared with Zeek's baseline rows: addresses and ports,
/// duration, bytes, conn_state, missed_bytes, history, packets, IP bytes,
/// and `ip_proto` where the baseline has it (Zeek 8.0 on).
const COMPARED: [&str; 15] = [
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "duration",
    "orig_bytes",
    "resp_bytes",
    "conn_state",
    "missed_bytes",
    "history",
    "orig_pkts",
    "orig_ip_bytes",
    "resp_pkts",
    "resp_ip_bytes",
    "ip_proto",
];

/// The `#fields` of most baselines (up to `tunnel_parents`, which all have).
const FIELDS: &str = "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents";

/// The `#fields` of baselines cut with `zeek-cut -Cn local_orig local_resp`.
const FIELDS_NO_LOCAL: &str = "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents";

/// Our conn.log for `trace` (with `--zeek-opt` `options`) holds the rows
/// of Zeek's baseline, in any order (Zeek writes the connections left at
/// shutdown in its table's order).
fn agrees(trace: &str, options: &[&str], baseline: &[&str]) {
    agrees_with_fields(trace, options, FIELDS, baseline)
}

/// [`agrees`] for a baseline with these `#fields`: the compared fields it has.
fn agrees_with_fields(trace: &str, options: &[&str], fields: &str, baseline: &[&str]) {
    agrees_except(trace, options, fields, &[], baseline)
}

/// [`agrees_with_fields`] leaving out the fields in `skip`.
fn agrees_except(trace: &str, options: &[&str], fields: &str, skip: &[&str], baseline: &[&str]) {
    agrees_filtered(trace, &[], options, fields, skip, baseline)
}

/// [`agrees_except`] for the rows our `filter` arguments (`--host`, ...)
/// keep.
fn agrees_filtered(
    trace: &str,
    filter: &[&str],
    options: &[&str],
    fields: &str,
    skip: &[&str],
    baseline: &[&str],
) {
    let compared: Vec<&str> = COMPARED
        .iter()
        .copied()
        .filter(|c| fields.split(' ').any(|f| f == *c) && !skip.contains(c))
        .collect();
    let Some(corpus) = zeek_corpus() else {
        eprintln!("skipped: ../shared/corpus/zeek is not beside the repository");
        return;
    };
    let path = corpus.join(trace);
    let mut args = vec!["conns".to_string(), "--zeek".to_string()];
    args.extend(filter.iter().map(|f| f.to_string()));
    for o in options {
        args.push("--zeek-opt".into());
        args.push(o.to_string());
    }
    args.push(path.to_string_lossy().into_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = tcpphase(&args, None);
    assert_eq!(run.code, 0, "{}", run.err);
    let mut ours = ZeekLog::parse(&run.out).cut(&compared);
    let theirs = ZeekLog {
        separator: "\t".into(),
        fields: fields.split(' ').map(String::from).collect(),
        types: vec![],
        rows: baseline
            .iter()
            .map(|l| l.split('\t').map(String::from).collect())
            .collect(),
        closed: true,
    };
    let mut zeeks = theirs.cut(&compared);
    ours.sort();
    zeeks.sort();
    assert_eq!(ours, zeeks, "{trace}");
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.ssh.half-duplex-client/conn.log`
/// (zeek/zeek), for `ssh/ssh.client-side-half-duplex.pcap`.
#[test]
fn baseline_ssh_ssh_client_side_half_duplex_pcap() {
    agrees(
        "ssh/ssh.client-side-half-duplex.pcap",
        &[],
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.1.79\t51880\t131.159.21.1\t22\ttcp\t-\t3.435401\t2493\t0\tS0\tT\tF\t0\tSAD\t19\t3493\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t192.168.1.79\t51880\t131.159.21.1\t22\ttcp\t-\t1.025500\t176\t0\tSH\tT\tF\t0\tDAF\t6\t488\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC4J4Th3PJpwUYZZ6gc\t192.168.2.1\t57189\t192.168.2.158\t22\ttcp\t-\t0.098697\t4453\t0\tS0\tT\tT\t0\tSAD\t21\t5557\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCtPZjS20MLrsMUOJi2\t192.168.2.1\t57189\t192.168.2.158\t22\ttcp\t-\t1.381169\t800\t0\tSH\tT\tT\t0\tDAF\t17\t1684\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCUM0KZ3MLUfNB0cl11\t192.168.2.1\t57191\t192.168.2.158\t22\ttcp\t-\t3.862306\t576\t0\tSH\tT\tT\t0\tSADF\t23\t1784\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCmES5u32sYpV7JYN\t192.168.2.1\t56594\t192.168.2.158\t22\ttcp\t-\t4.320795\t428\t0\tS0\tT\tT\t0\tSAD\t13\t1116\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCP5puj4I8PtEU4qzYg\t192.168.2.1\t56594\t192.168.2.158\t22\ttcp\t-\t1.689473\t52\t0\tSH\tT\tT\t0\tDAF\t4\t260\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC37jN32gN3y3AZzyf6\t192.168.2.1\t56821\t192.168.2.158\t22\ttcp\t-\t1.106422\t820\t0\tSH\tT\tT\t0\tSADF\t26\t2184\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC3eiCBGOLw3VtHfOj\t192.168.2.1\t56837\t192.168.2.158\t22\ttcp\t-\t1.080790\t692\t0\tSH\tT\tT\t0\tSADF\t25\t2004\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCwjjYJ2WqgTbAqiHl6\t192.168.2.1\t56845\t192.168.2.158\t22\ttcp\t-\t1.302572\t660\t0\tSH\tT\tT\t0\tSADF\t26\t2024\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC0LAHyvtKSQHyJxIl\t192.168.2.1\t56875\t192.168.2.158\t22\ttcp\t-\t3.431977\t484\t0\tS0\tT\tT\t0\tSAD\t12\t1120\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCFLRIC3zaTU1loLGxh\t192.168.2.1\t56875\t192.168.2.158\t22\ttcp\t-\t6.130941\t104\t0\tSH\tT\tT\t0\tADF\t7\t468\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC9rXSW3KSpTYvPrlI1\t192.168.2.1\t56878\t192.168.2.158\t22\ttcp\t-\t3.629091\t684\t0\tSH\tT\tT\t0\tSADF\t25\t1996\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCk51lg1bScffFj34Ri\t192.168.2.1\t56940\t192.168.2.158\t22\ttcp\t-\t0.104996\t500\t0\tSH\tT\tT\t0\tSADF\t14\t1240\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC9mvWx3ezztgzcexV7\t192.168.2.1\t57831\t192.168.2.158\t22\ttcp\t-\t2.758921\t576\t0\tSH\tT\tT\t0\tSADF\t23\t1784\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCNnMIj2QSd84NKf7U3\t192.168.2.1\t59246\t192.168.2.158\t22\ttcp\t-\t3.076782\t3049\t0\tSH\tT\tT\t0\tSADF\t32\t4725\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC7fIlMZDuRiqjpYbb\t192.168.1.32\t41164\t128.2.10.238\t22\ttcp\t-\t4.616008\t5335\t0\tS0\tT\tF\t0\tSAD\t20\t6383\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCykQaM33ztNt0csB9a\t192.168.1.32\t41164\t128.2.10.238\t22\ttcp\t-\t1.029134\t752\t0\tSH\tT\tF\t0\tDAF\t12\t1376\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCtxTCR2Yer0FR1tIBg\t192.168.1.32\t33910\t128.2.13.133\t22\ttcp\t-\t1.910986\t6471\t0\tSH\tT\tF\t0\tSADF\t33\t8195\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCpmdRlaUoJLN3uIRa\t192.168.1.32\t41268\t128.2.10.238\t22\ttcp\t-\t2.710803\t5613\t0\tSH\tT\tF\t0\tSADF\t24\t6869\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC1Xkzz2MaGtLrc1Tla\t192.168.1.31\t52294\t192.168.1.32\t22\ttcp\t-\t3.660293\t3729\t0\tSH\tT\tT\t0\tSADF\t36\t5613\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCqlVyW1YwZ15RhTBc4\t192.168.1.31\t51489\t192.168.1.32\t22\ttcp\t-\t4.927993\t4029\t0\tSH\tT\tT\t0\tSADF\t42\t6249\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCLNN1k2QMum1aexUK7\t192.168.1.32\t58641\t131.103.20.168\t22\ttcp\t-\t0.587625\t2885\t0\tSH\tT\tF\t0\tSADF\t16\t3725\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCBA8792iHmnhPLksKa\t192.168.1.32\t58646\t131.103.20.168\t22\ttcp\t-\t2.236752\t4477\t0\tSH\tT\tF\t0\tSADF\t179\t13793\t0\t0\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCGLPPc35OzDQij1XX8\t192.168.1.32\t58649\t131.103.20.168\t22\ttcp\t-\t2.066453\t4477\t0\tSH\tT\tF\t0\tSADF\t183\t14001\t0\t0\t-\t6",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.ssh.half-duplex-server/conn.log`
/// (zeek/zeek), for `ssh/ssh.server-side-half-duplex.pcap`.
#[test]
fn baseline_ssh_ssh_server_side_half_duplex_pcap() {
    agrees(
        "ssh/ssh.server-side-half-duplex.pcap",
        &[],
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.1.79\t51880\t131.159.21.1\t22\ttcp\t-\t6.013825\t0\t2501\tSHR\tT\tF\t0\t^hdaf\t0\t0\t20\t3549\t-\t6",
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t192.168.2.1\t57189\t192.168.2.158\t22\ttcp\t-\t6.641675\t0\t3489\tSHR\tT\tT\t0\t^hadf\t0\t0\t29\t5005\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC4J4Th3PJpwUYZZ6gc\t192.168.2.1\t57191\t192.168.2.158\t22\ttcp\t-\t3.862105\t0\t813\tSHR\tT\tT\t0\t^hdaf\t0\t0\t16\t1653\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCtPZjS20MLrsMUOJi2\t192.168.2.1\t56594\t192.168.2.158\t22\ttcp\t-\t8.841592\t0\t537\tSHR\tT\tT\t0\t^hdaf\t0\t0\t14\t1273\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCUM0KZ3MLUfNB0cl11\t192.168.2.1\t56821\t192.168.2.158\t22\ttcp\t-\t1.106164\t0\t1125\tSHR\tT\tT\t0\t^hdaf\t0\t0\t20\t2173\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCmES5u32sYpV7JYN\t192.168.2.1\t56837\t192.168.2.158\t22\ttcp\t-\t1.080689\t0\t997\tSHR\tT\tT\t0\t^hdaf\t0\t0\t19\t1993\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCP5puj4I8PtEU4qzYg\t192.168.2.1\t56845\t192.168.2.158\t22\ttcp\t-\t1.302374\t0\t965\tSHR\tT\tT\t0\t^hdaf\t0\t0\t20\t2013\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC37jN32gN3y3AZzyf6\t192.168.2.1\t56875\t192.168.2.158\t22\ttcp\t-\t12.013362\t0\t549\tSHR\tT\tT\t0\t^hdaf\t0\t0\t16\t1389\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC3eiCBGOLw3VtHfOj\t192.168.2.1\t56878\t192.168.2.158\t22\ttcp\t-\t3.628800\t0\t825\tSHR\tT\tT\t0\t^hdaf\t0\t0\t19\t1821\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCwjjYJ2WqgTbAqiHl6\t192.168.2.1\t56940\t192.168.2.158\t22\ttcp\t-\t0.104755\t0\t609\tSHR\tT\tT\t0\t^hdaf\t0\t0\t10\t1137\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC0LAHyvtKSQHyJxIl\t192.168.2.1\t57831\t192.168.2.158\t22\ttcp\t-\t2.758679\t0\t813\tSHR\tT\tT\t0\t^hdaf\t0\t0\t18\t1757\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCFLRIC3zaTU1loLGxh\t192.168.2.1\t59246\t192.168.2.158\t22\ttcp\t-\t3.076531\t0\t4165\tSHR\tT\tT\t0\t^hadf\t0\t0\t23\t5369\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC9rXSW3KSpTYvPrlI1\t192.168.1.32\t41164\t128.2.10.238\t22\ttcp\t-\t8.458002\t0\t3015\tSHR\tT\tF\t0\t^hadf\t0\t0\t33\t4763\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCk51lg1bScffFj34Ri\t192.168.1.32\t33910\t128.2.13.133\t22\ttcp\t-\t1.883790\t0\t6037\tSHR\tT\tF\t0\t^hadf\t0\t0\t29\t7565\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC9mvWx3ezztgzcexV7\t192.168.1.32\t41268\t128.2.10.238\t22\ttcp\t-\t2.684423\t0\t2487\tSHR\tT\tF\t0\t^hadf\t0\t0\t20\t3535\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCNnMIj2QSd84NKf7U3\t192.168.1.31\t52294\t192.168.1.32\t22\ttcp\t-\t3.659871\t0\t2229\tSHR\tT\tT\t0\t^hadf\t0\t0\t24\t3497\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC7fIlMZDuRiqjpYbb\t192.168.1.31\t51489\t192.168.1.32\t22\ttcp\t-\t4.927268\t0\t2497\tSHR\tT\tT\t0\t^hdaf\t0\t0\t27\t3937\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCykQaM33ztNt0csB9a\t192.168.1.32\t58641\t131.103.20.168\t22\ttcp\t-\t0.542658\t0\t2309\tSHR\tT\tF\t0\t^hdaf\t0\t0\t13\t2993\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCtxTCR2Yer0FR1tIBg\t192.168.1.32\t58646\t131.103.20.168\t22\ttcp\t-\t2.198678\t0\t535101\tSHR\tT\tF\t0\t^hadf\t0\t0\t226\t546861\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCpmdRlaUoJLN3uIRa\t192.168.1.32\t58649\t131.103.20.168\t22\ttcp\t-\t2.026830\t0\t534861\tSHR\tT\tF\t0\t^hadf\t0\t0\t236\t547141\t-\t6",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.modbus.modbus_and_non_modbus_on_port_502/conn.log`
/// (zeek/zeek), for `modbus/modbus-and-non-modbus-p502.pcap`.
#[test]
fn baseline_modbus_modbus_and_non_modbus_p502_pcap() {
    agrees(
        "modbus/modbus-and-non-modbus-p502.pcap",
        &[],
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t10.0.0.9\t3082\t10.0.0.3\t502\ttcp\tmodbus\t177.095534\t72\t69\tSF\tT\tT\t0\tShADdFaf\t16\t720\t9\t437\t-\t6",
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t87.236.176.106\t38129\t192.168.10.111\t502\ttcp\tdce_rpc\t5.102604\t72\t9\tSF\tF\tT\t0\tShADadFf\t6\t392\t4\t225\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC4J4Th3PJpwUYZZ6gc\t87.236.176.96\t60175\t192.168.10.111\t502\ttcp\t-\t5.052092\t44\t9\tSF\tF\tT\t0\tShADadFf\t6\t364\t4\t225\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCtPZjS20MLrsMUOJi2\t66.175.213.4\t58380\t192.168.10.111\t502\ttcp\tssl\t59.999857\t138\t9\tSF\tF\tT\t0\tShADadFf\t9\t610\t7\t377\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCUM0KZ3MLUfNB0cl11\t198.74.56.135\t60293\t192.168.10.111\t502\ttcp\t-\t0.117322\t0\t0\tRSTO\tF\tT\t0\tShR\t2\t80\t1\t44\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCmES5u32sYpV7JYN\t198.74.56.135\t60293\t192.168.10.111\t502\ttcp\t-\t0.000054\t109\t0\tRSTRH\tF\tT\t0\tDr\t1\t149\t1\t40\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCP5puj4I8PtEU4qzYg\t159.203.208.13\t33752\t192.168.10.113\t502\ttcp\t-\t0.470159\t24\t9\tSF\tF\tT\t0\tShADadFf\t6\t344\t4\t225\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC37jN32gN3y3AZzyf6\t62.122.184.123\t7488\t192.168.10.111\t502\ttcp\t-\t30.159557\t43\t9\tSF\tF\tT\t0\tShADadFf\t6\t295\t4\t181\t-\t6",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.pop3.basic/conn.log`
/// (zeek/zeek), for `pop3/pop3.pcap`.
#[test]
fn baseline_pop3_pop3_pcap() {
    agrees(
        "pop3/pop3.pcap",
        &[],
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.0.4\t26242\t212.227.15.188\t110\ttcp\t-\t0.050692\t0\t0\tREJ\tT\tF\t0\tSr\t1\t52\t1\t40\t-\t6",
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t192.168.0.4\t26242\t212.227.15.188\t110\ttcp\t-\t0.060847\t0\t0\tREJ\tT\tF\t0\tSr\t1\t52\t1\t40\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC4J4Th3PJpwUYZZ6gc\t192.168.0.4\t26245\t212.227.15.171\t110\ttcp\t-\t0.050705\t0\t0\tREJ\tT\tF\t0\tSr\t1\t52\t1\t40\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCtPZjS20MLrsMUOJi2\t192.168.0.4\t26245\t212.227.15.171\t110\ttcp\t-\t0.050062\t0\t0\tREJ\tT\tF\t0\tSr\t1\t52\t1\t40\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCUM0KZ3MLUfNB0cl11\t192.168.0.4\t26242\t212.227.15.188\t110\ttcp\t-\t0.050967\t0\t0\tREJ\tT\tF\t0\tSr\t1\t48\t1\t40\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCmES5u32sYpV7JYN\t192.168.0.4\t26245\t212.227.15.171\t110\ttcp\t-\t0.047718\t0\t0\tREJ\tT\tF\t0\tSr\t1\t48\t1\t40\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCP5puj4I8PtEU4qzYg\t192.168.0.4\t26272\t212.227.15.166\t110\ttcp\tpop3\t0.163506\t12\t175\tSF\tT\tF\t0\tShAdDafF\t6\t264\t6\t427\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC37jN32gN3y3AZzyf6\t192.168.0.4\t26284\t212.227.15.166\t110\ttcp\tpop3\t3.469839\t86\t205\tSF\tT\tF\t0\tShAdDafF\t9\t470\t9\t577\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC3eiCBGOLw3VtHfOj\t192.168.0.4\t26304\t212.227.15.166\t110\ttcp\tpop3\t0.206558\t12\t175\tSF\tT\tF\t0\tShAdDafF\t6\t264\t6\t427\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCwjjYJ2WqgTbAqiHl6\t192.168.0.4\t26308\t212.227.15.166\t110\ttcp\tpop3\t0.537230\t96\t297\tSF\tT\tF\t0\tShAdDafF\t9\t468\t10\t709\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC0LAHyvtKSQHyJxIl\t192.168.0.4\t26383\t212.227.15.166\t110\ttcp\tpop3\t1.213485\t138\t19651\tSF\tT\tF\t0\tShAdDafF\t22\t1030\t30\t20863\t-\t6",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.tcp.rxmit-history (conn-1.log)/conn.log`
/// (zeek/zeek), for `tcp/retransmit-fast009.pcap`.
#[test]
fn baseline_tcp_retransmit_fast009_pcap() {
    agrees(
        "tcp/retransmit-fast009.pcap",
        &["ignore_checksums=T"],
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t10.0.88.85\t50368\t192.168.0.27\t80\ttcp\t-\t60.991770\t474\t23783\tRSTO\t-\t-\t24257\tShADaGdgtR\t17\t1250\t22\t28961\t-",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.tcp.rxmit-history (conn-2.log, its TCP rows)/conn.log`
/// (zeek/zeek), for `wikipedia.pcap`.
#[test]
fn baseline_wikipedia_pcap() {
    agrees(
        "wikipedia.pcap",
        &["ignore_checksums=T"],
        &[
            "XXXXXXXXXX.XXXXXX\tCtPZjS20MLrsMUOJi2\t141.142.220.118\t35634\t208.80.152.2\t80\ttcp\t-\t0.061329\t463\t350\tOTH\tF\tF\t0\tDdA\t2\t567\t1\t402\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCiyBAq1bBLNaTiTAc\t141.142.220.118\t35642\t208.80.152.2\t80\ttcp\thttp\t0.120041\t534\t412\tS1\tF\tF\t0\tShADad\t4\t750\t3\t576\t-\t6",
            "XXXXXXXXXX.XXXXXX\tC3eiCBGOLw3VtHfOj\t141.142.220.118\t49996\t208.80.152.3\t80\ttcp\thttp\t0.218501\t1171\t733\tS1\tF\tF\t0\tShADad\t6\t1491\t4\t949\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCwjjYJ2WqgTbAqiHl6\t141.142.220.118\t49997\t208.80.152.3\t80\ttcp\thttp\t0.219720\t1125\t734\tS1\tF\tF\t0\tShADad\t6\t1445\t4\t950\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCk51lg1bScffFj34Ri\t141.142.220.118\t49998\t208.80.152.3\t80\ttcp\thttp\t0.215893\t1130\t734\tS1\tF\tF\t0\tShADad\t6\t1450\t4\t950\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCykQaM33ztNt0csB9a\t141.142.220.118\t49999\t208.80.152.3\t80\ttcp\thttp\t0.220961\t1137\t733\tS1\tF\tF\t0\tShADad\t6\t1457\t4\t949\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCtxTCR2Yer0FR1tIBg\t141.142.220.118\t50000\t208.80.152.3\t80\ttcp\thttp\t0.229603\t1148\t734\tS1\tF\tF\t0\tShADad\t6\t1468\t4\t950\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCLNN1k2QMum1aexUK7\t141.142.220.118\t50001\t208.80.152.3\t80\ttcp\thttp\t0.227284\t1178\t734\tS1\tF\tF\t0\tShADad\t6\t1498\t4\t950\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCUM0KZ3MLUfNB0cl11\t141.142.220.118\t48649\t208.80.152.118\t80\ttcp\thttp\t0.119905\t525\t232\tS1\tF\tF\t0\tShADad\t4\t741\t3\t396\t-\t6",
            "XXXXXXXXXX.XXXXXX\tCFSwNi4CNGxcuffo49\t141.142.220.235\t6705\t173.192.163.128\t80\ttcp\t-\t-\t-\t-\tOTH\tF\tF\t0\t^h\t0\t0\t1\t48\t-\t6",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.tcp.miss-end-data/conn.log`
/// (zeek/zeek), for `tcp/miss_end_data.pcap`.
#[test]
fn baseline_tcp_miss_end_data_pcap() {
    agrees(
        "tcp/miss_end_data.pcap",
        &["report_gaps_for_partial=T"],
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.122.230\t60648\t77.238.160.184\t80\ttcp\thttp\t10.048360\t538\t2902\tSF\tT\tF\t2902\tShADafgF\t5\t750\t4\t172\t-",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.tcp.missing-syn/conn.log`
/// (zeek/zeek), for `tcp/missing-syn.pcap`.
#[test]
fn baseline_tcp_missing_syn_pcap() {
    agrees(
        "tcp/missing-syn.pcap",
        &["ignore_checksums=T"],
        &[
            "1128727435.633408\tCHhAvVGS1DHFjwGM9\t141.42.64.125\t56730\t125.190.109.199\t80\ttcp\thttp\t1.550793\t98\t9417\tSF\t-\t-\t0\t^hADdFaf\t11\t670\t10\t9945\t-",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.tcp.flip-without-syn/conn.log`
/// (zeek/zeek), for `tcp/http-on-irc-port-missing-syn.pcapng`. Its IP byte
/// counts predate Zeek's conn-size fix for flips (core.conn-size-flip,
/// below): there the SYN-ACK's 60 bytes still count for the originator;
/// after the fix each side's packets count for that side (448 / 5379).
#[test]
fn baseline_tcp_http_on_irc_port_missing_syn_pcapng() {
    agrees_except(
        "tcp/http-on-irc-port-missing-syn.pcapng",
        &[],
        FIELDS,
        &["orig_ip_bytes", "resp_ip_bytes"],
        &["XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t141.142.228.5\t6669\t192.150.187.43\t80\ttcp\thttp\t0.141744\t136\t5007\tSF\tF\tF\t0\t^hADadFf\t6\t456\t7\t5371\t-"],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.ldap.starttls/conn.log`
/// (zeek/zeek), for `ldap/ldap-starttls.pcap`, cut with `zeek-cut -Cn local_orig local_resp`.
#[test]
fn baseline_ldap_ldap_starttls_pcap() {
    agrees_with_fields(
        "ldap/ldap-starttls.pcap",
        &[],
        FIELDS_NO_LOCAL,
        &["XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t127.0.0.1\t45936\t127.0.1.1\t389\ttcp\tldap_tcp,ssl\t0.016922\t683\t3002\tRSTO\t0\tShADadFR\t14\t1407\t14\t3738\t-"],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.ldap.basic/conn.log`
/// (zeek/zeek), for `ldap/simpleauth.pcap` (`zeek -C`), cut with `zeek-cut -Cn local_orig local_resp`.
#[test]
fn baseline_ldap_simpleauth_pcap() {
    agrees_with_fields(
        "ldap/simpleauth.pcap",
        &["ignore_checksums=T"],
        FIELDS_NO_LOCAL,
        &["XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t10.0.0.1\t25936\t10.0.0.2\t3268\ttcp\tldap_tcp\t181.520479\t258\t188\tRSTO\t0\tShADdR\t8\t590\t4\t360\t-\t6"],
    );
}

/// The `#fields` of Zeek's baseline core.conn-size-flip (`zeek-cut -m`).
const FIELDS_CONN_SIZE_FLIP: &str =
    "ts uid id.orig_h id.orig_p id.resp_h id.resp_p history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes";

/// Zeek's baseline `testing/btest/Baseline/core.conn-size-flip/conn.log.one-sided`
/// (zeek/zeek), for `tcp/one-sided-2745.pcap` (`zeek -C`): only the server's
/// SYN-ACK, ACK and FIN, flipped, every packet the responder's.
#[test]
fn baseline_tcp_one_sided_2745_pcap() {
    agrees_with_fields(
        "tcp/one-sided-2745.pcap",
        &["ignore_checksums=T"],
        FIELDS_CONN_SIZE_FLIP,
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t247.180.123.139\t2745\t245.181.165.133\t1433\t^haf\t0\t0\t3\t140",
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t91.189.148.149\t2745\t245.181.165.131\t281\t^haf\t0\t0\t3\t140",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.conn-size-flip/conn.log.ctu`
/// (zeek/zeek), for `tcp/ctu-64702-888.pcap` (`zeek -C`).
#[test]
fn baseline_tcp_ctu_64702_888_pcap() {
    agrees_with_fields(
        "tcp/ctu-64702-888.pcap",
        &["ignore_checksums=T"],
        FIELDS_CONN_SIZE_FLIP,
        &["XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.1.108\t64702\t185.33.86.224\t888\t^hAfdtFr\t8\t320\t8\t370"],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.ssh.basic/conn.log`
/// (zeek/zeek), for `ssh/ssh.pcap`: its TCP rows (the two UDP rows left out).
#[test]
fn baseline_ssh_ssh_pcap() {
    agrees(
        "ssh/ssh.pcap",
        &[],
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.1.79\t51880\t131.159.21.1\t22\ttcp\tssh\t6.159326\t2669\t2501\tSF\tT\tF\t0\tShAdDaFf\t25\t3981\t20\t3549\t-",
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t10.0.0.18\t40184\t128.2.6.88\t41644\ttcp\tssh\t2.079071\t3813\t3633\tSF\tT\tF\t0\tShADadFf\t22\t4965\t26\t5017\t-",
            "XXXXXXXXXX.XXXXXX\tC4J4Th3PJpwUYZZ6gc\t192.168.2.1\t57189\t192.168.2.158\t22\ttcp\tssh\t6.641754\t5253\t3489\tSF\tT\tT\t0\tShADadFf\t38\t7241\t29\t5005\t-",
            "XXXXXXXXXX.XXXXXX\tCtPZjS20MLrsMUOJi2\t192.168.2.1\t57191\t192.168.2.158\t22\ttcp\tssh\t3.862198\t576\t813\tSF\tT\tT\t0\tShAdDaFf\t23\t1784\t16\t1653\t-",
            "XXXXXXXXXX.XXXXXX\tCUM0KZ3MLUfNB0cl11\t192.168.2.1\t55179\t192.168.2.158\t2200\ttcp\tssh\t2.557930\t2757\t1721\tRSTR\tT\tT\t0\tShADadFr\t37\t4693\t29\t3225\t-",
            "XXXXXXXXXX.XXXXXX\tCmES5u32sYpV7JYN\t192.168.2.1\t56594\t192.168.2.158\t22\ttcp\tssh\t8.841749\t480\t537\tSF\tT\tT\t0\tShAdDaFf\t17\t1376\t14\t1273\t-",
            "XXXXXXXXXX.XXXXXX\tCP5puj4I8PtEU4qzYg\t192.168.2.1\t56821\t192.168.2.158\t22\ttcp\tssh\t1.106250\t820\t1125\tSF\tT\tT\t0\tShAdDaFf\t26\t2184\t20\t2173\t-",
            "XXXXXXXXXX.XXXXXX\tC37jN32gN3y3AZzyf6\t192.168.2.1\t56837\t192.168.2.158\t22\ttcp\tssh\t1.080767\t692\t997\tSF\tT\tT\t0\tShAdDaFf\t25\t2004\t19\t1993\t-",
            "XXXXXXXXXX.XXXXXX\tC3eiCBGOLw3VtHfOj\t192.168.2.1\t56845\t192.168.2.158\t22\ttcp\tssh\t1.302395\t660\t965\tSF\tT\tT\t0\tShAdDaFf\t26\t2024\t20\t2013\t-",
            "XXXXXXXXXX.XXXXXX\tCwjjYJ2WqgTbAqiHl6\t192.168.2.1\t56875\t192.168.2.158\t22\ttcp\tssh\t12.013506\t588\t549\tSF\tT\tT\t0\tShAdDaFf\t19\t1588\t16\t1389\t-",
            "XXXXXXXXXX.XXXXXX\tC0LAHyvtKSQHyJxIl\t192.168.2.1\t56878\t192.168.2.158\t22\ttcp\tssh\t3.628964\t684\t825\tSF\tT\tT\t0\tShAdDaFf\t25\t1996\t19\t1821\t-",
            "XXXXXXXXXX.XXXXXX\tCFLRIC3zaTU1loLGxh\t192.168.2.1\t56940\t192.168.2.158\t22\ttcp\tssh\t0.104978\t500\t609\tSF\tT\tT\t0\tShAdDaFf\t14\t1240\t10\t1137\t-",
            "XXXXXXXXXX.XXXXXX\tC9rXSW3KSpTYvPrlI1\t192.168.2.1\t57831\t192.168.2.158\t22\ttcp\tssh\t2.758790\t576\t813\tSF\tT\tT\t0\tShAdDaFf\t23\t1784\t18\t1757\t-",
            "XXXXXXXXXX.XXXXXX\tCk51lg1bScffFj34Ri\t192.168.2.1\t59246\t192.168.2.158\t22\ttcp\tssh\t3.076752\t3049\t4165\tSF\tT\tT\t0\tShADadFf\t32\t4725\t23\t5369\t-",
            "XXXXXXXXXX.XXXXXX\tC9mvWx3ezztgzcexV7\t192.168.1.32\t41164\t128.2.10.238\t22\ttcp\tssh\t8.485357\t6087\t3015\tSF\tT\tF\t0\tShADadFf\t32\t7759\t33\t4763\t-",
            "XXXXXXXXXX.XXXXXX\tCNnMIj2QSd84NKf7U3\t192.168.1.32\t33910\t128.2.13.133\t22\ttcp\tssh\t1.910959\t6471\t6037\tSF\tT\tF\t0\tShADadFf\t33\t8195\t29\t7565\t-",
            "XXXXXXXXXX.XXXXXX\tC7fIlMZDuRiqjpYbb\t192.168.1.32\t41268\t128.2.10.238\t22\ttcp\tssh\t2.710778\t5613\t2487\tSF\tT\tF\t0\tShADadFf\t24\t6869\t20\t3535\t-",
            "XXXXXXXXXX.XXXXXX\tCpmdRlaUoJLN3uIRa\t192.168.1.31\t52294\t192.168.1.32\t22\ttcp\tssh\t3.658968\t3729\t2229\tSF\tT\tT\t0\tShADadFf\t36\t5613\t24\t3497\t-",
            "XXXXXXXXXX.XXXXXX\tCqlVyW1YwZ15RhTBc4\t192.168.1.31\t51476\t192.168.1.32\t8118\ttcp\t-\t0.000539\t76\t0\tSF\tT\tT\t0\tDaFfA\t6\t388\t5\t284\t-",
            "XXXXXXXXXX.XXXXXX\tC1Xkzz2MaGtLrc1Tla\t192.168.1.31\t51489\t192.168.1.32\t22\ttcp\tssh\t4.926958\t4029\t2497\tSF\tT\tT\t0\tShAdDaFf\t42\t6249\t27\t3937\t-",
            "XXXXXXXXXX.XXXXXX\tCLNN1k2QMum1aexUK7\t192.168.1.32\t58641\t131.103.20.168\t22\ttcp\tssh\t0.587601\t2885\t2309\tSF\tT\tF\t0\tShADdaFf\t16\t3725\t13\t2993\t-",
            "XXXXXXXXXX.XXXXXX\tCBA8792iHmnhPLksKa\t192.168.1.32\t58646\t131.103.20.168\t22\ttcp\tssh\t2.236727\t4477\t535101\tSF\tT\tF\t0\tShADadFf\t179\t13793\t226\t546861\t-",
            "XXXXXXXXXX.XXXXXX\tCGLPPc35OzDQij1XX8\t192.168.1.32\t58649\t131.103.20.168\t22\ttcp\tssh\t2.066433\t4477\t534861\tSF\tT\tF\t0\tShADadFf\t183\t14001\t236\t547141\t-",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.ftp.ftp-ipv6/conn.log`
/// (zeek/zeek), for `ftp/ipv6.pcap`: IPv6, passive and active data connections.
#[test]
fn baseline_ftp_ipv6_pcap() {
    agrees(
        "ftp/ipv6.pcap",
        &[],
        &[
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t2001:470:1f11:81f:c999:d94:aa7c:2e3e\t49186\t2001:470:4867:99::21\t57086\ttcp\tftp-data\t0.219721\t0\t342\tSF\t-\t-\t0\tShAdfFa\t5\t372\t4\t642\t-",
            "XXXXXXXXXX.XXXXXX\tC4J4Th3PJpwUYZZ6gc\t2001:470:1f11:81f:c999:d94:aa7c:2e3e\t49187\t2001:470:4867:99::21\t57087\ttcp\tftp-data\t0.217501\t0\t43\tSF\t-\t-\t0\tShAdfFa\t5\t372\t4\t343\t-",
            "XXXXXXXXXX.XXXXXX\tCtPZjS20MLrsMUOJi2\t2001:470:1f11:81f:c999:d94:aa7c:2e3e\t49188\t2001:470:4867:99::21\t57088\ttcp\tftp-data\t0.217941\t0\t77\tSF\t-\t-\t0\tShAdfFa\t5\t372\t4\t377\t-",
            "XXXXXXXXXX.XXXXXX\tCUM0KZ3MLUfNB0cl11\t2001:470:4867:99::21\t55785\t2001:470:1f11:81f:c999:d94:aa7c:2e3e\t49189\ttcp\tftp-data\t0.109813\t77\t0\tSF\t-\t-\t0\tShADFaf\t5\t449\t4\t300\t-",
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t2001:470:1f11:81f:c999:d94:aa7c:2e3e\t49185\t2001:470:4867:99::21\t21\ttcp\tftp\t26.658219\t310\t3448\tSF\t-\t-\t0\tShAdDfFa\t57\t4426\t34\t5908\t-",
            "XXXXXXXXXX.XXXXXX\tCmES5u32sYpV7JYN\t2001:470:4867:99::21\t55647\t2001:470:1f11:81f:c999:d94:aa7c:2e3e\t49190\ttcp\tftp-data\t0.109181\t342\t0\tSF\t-\t-\t0\tShADFaf\t5\t714\t4\t300\t-",
        ],
    );
}

/// The `#fields` of Zeek's baselines from 8.0 on, which end in `ip_proto`.
const FIELDS_IP_PROTO: &str = "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents ip_proto";

/// Zeek's baseline `testing/btest/Baseline/scripts.base.frameworks.analyzer.request-response-protocol-differences/conn-http-to-ssh.log`
/// (zeek/zeek), for `http/http-to-ssh.pcap`: the client's FIN answered by the
/// server's RST.
#[test]
fn baseline_http_http_to_ssh_pcap() {
    agrees_with_fields(
        "http/http-to-ssh.pcap",
        &[],
        FIELDS_IP_PROTO,
        &["XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t127.0.0.1\t40896\t127.0.0.1\t22\ttcp\t-\t0.001845\t75\t78\tRSTR\tT\tT\t0\tShADadFr\t7\t447\t6\t398\t-\t6"],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.frameworks.analyzer.request-response-protocol-differences/conn-https-to-http.log`
/// (zeek/zeek), for `tls/https-to-http.pcap`: the server's FIN answered by
/// the client's RST.
#[test]
fn baseline_tls_https_to_http_pcap() {
    agrees_with_fields(
        "tls/https-to-http.pcap",
        &[],
        FIELDS_IP_PROTO,
        &["XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t127.0.0.1\t50382\t127.0.0.1\t80\ttcp\t-\t0.028273\t517\t468\tRSTO\tT\tT\t0\tShADadfR\t5\t785\t4\t684\t-\t6"],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.ldap.spnego-ntlmssp/conn.log`
/// (zeek/zeek), for `ldap/ctu-sme-11-win7ad-1-ldap-tcp-50041.pcap` (`zeek -C`),
/// cut with `zeek-cut -Cn local_orig local_resp`: two hosts on the same
/// client port, each FIN acked and then reset by the server.
#[test]
fn baseline_ldap_ctu_sme_11_win7ad_1_ldap_tcp_50041_pcap() {
    agrees_with_fields(
        "ldap/ctu-sme-11-win7ad-1-ldap-tcp-50041.pcap",
        &["ignore_checksums=T"],
        "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents ip_proto",
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.1.105\t50041\t192.168.1.108\t389\ttcp\tldap_tcp\t0.004745\t93\t283\tRSTR\t0\tShADdFar\t5\t305\t4\t455\t-\t6",
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t192.168.1.107\t50041\t192.168.1.108\t389\ttcp\tldap_tcp\t0.005883\t93\t283\tRSTR\t0\tShADdFar\t5\t305\t4\t455\t-\t6",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/scripts.base.protocols.conn.conn_state-RST-behavior/out`
/// (zeek/zeek): `print c$history, c$conn$conn_state` for the four crafted
/// RST traces, each run with `zeek -b -C`.
#[test]
fn baseline_conn_state_rst_behavior() {
    let Some(corpus) = zeek_corpus() else {
        eprintln!("skipped: ../shared/corpus/zeek is not beside the repository");
        return;
    };
    let zeeks = [
        ("tcp/single-rst.pcap", "R OTH"),
        ("tcp/syn-then-rst.pcap", "SR RSTOS0"),
        ("tcp/syn-then-ack-then-rst.pcap", "SaR RSTOS0"),
        ("tcp/syn-then-stuff-then-rst.pcap", "SaFR OTH"),
    ];
    for (trace, row) in zeeks {
        let path = corpus.join(trace).to_string_lossy().into_owned();
        let run = tcpphase(
            &["conns", "--zeek", "--zeek-opt", "ignore_checksums=T", &path],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.err);
        assert_eq!(
            ZeekLog::parse(&run.out).cut(&["history", "conn_state"]),
            [row],
            "{trace}"
        );
    }
}

/// Zeek's baseline `testing/btest/Baseline/core.checksums_ignore_nets/conn-failed.log`
/// (zeek/zeek), for `chksums/localhost-bad-chksum.pcap` run as `zeek -b` with
/// only `base/protocols/conn` (so no likely server ports: our
/// `likely_server_ports=`). Every packet of 192.168.1.28 has a wrong checksum:
/// its SYN makes a connection of nothing but `C`, the server's SYN-ACK reuses
/// the 4-tuple, and the client's next packet, `c`, keeps Zeek from flipping.
#[test]
fn baseline_chksums_localhost_bad_chksum_pcap() {
    agrees(
        "chksums/localhost-bad-chksum.pcap",
        &["likely_server_ports="],
        &[
            "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.1.28\t53246\t35.221.46.9\t80\ttcp\t-\t-\t-\t-\tOTH\tT\tF\t0\tC\t0\t0\t0\t0\t-",
            "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t35.221.46.9\t80\t192.168.1.28\t53246\ttcp\t-\t0.063810\t432\t0\tSH\tF\tT\t0\tHcADF\t4\t604\t0\t0\t-",
        ],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.checksums_ignore_nets/conn-worked.log`
/// (zeek/zeek), for `chksums/localhost-bad-chksum.pcap` with
/// `ignore_checksums_nets += {192.168.0.0/16}`: the only sender of wrong
/// checksums is 192.168.1.28, so this is `ignore_checksums=T` here.
#[test]
fn baseline_chksums_localhost_bad_chksum_pcap_ignored() {
    agrees(
        "chksums/localhost-bad-chksum.pcap",
        &["ignore_checksums=T", "likely_server_ports="],
        &["XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.168.1.28\t53246\t35.221.46.9\t80\ttcp\t-\t0.091969\t74\t432\tSF\tT\tF\t0\tShADadFf\t6\t338\t4\t604\t-"],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.tcp-padding/conn.log`
/// (zeek/zeek), for `tcp-http-with-padding.pcap` (`zeek -C`): the Ethernet
/// padding of short frames is no TCP payload.
#[test]
fn baseline_tcp_http_with_padding_pcap() {
    agrees(
        "tcp-http-with-padding.pcap",
        &["ignore_checksums=T"],
        &["XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t167.221.30.181\t59406\t217.207.159.63\t27272\ttcp\thttp\t10.914549\t16\t191\tSF\tF\tF\t0\tShADadfF\t13\t704\t12\t823\t-"],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.print-bpf-filters/conn.log`
/// (zeek/zeek, its stored version of 2014), for `mixed-vlan-mpls.pcap` read
/// with `PacketFilter::restricted_filter="vlan"`: only the 802.1Q connection
/// (F5 Ethernet trailer), here kept with `--host 10.20.80.1`. That old
/// baseline has no `local_resp` column and writes `(empty)` for an unset
/// `tunnel_parents`; the compared fields are the same.
#[test]
fn baseline_mixed_vlan_mpls_pcap_vlan_connection() {
    agrees_filtered(
        "mixed-vlan-mpls.pcap",
        &["--host", "10.20.80.1"],
        &[],
        "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents",
        &[],
        &["1278600802.069419\tCXWv6p3arKYeMETxOg\t10.20.80.1\t50343\t10.0.0.15\t80\ttcp\t-\t0.004152\t9\t3429\tSF\t-\t0\tShADadfF\t7\t381\t7\t3801\t(empty)"],
    );
}

/// Zeek's baseline `testing/btest/Baseline/core.print-bpf-filters/conn.log`
/// at zeek/zeek commit 012acb22e96fa4296f2c9df35d64f6d2bb55e38a (Bro's, from
/// `bro -C -f "port 56730"`), for `mixed-vlan-mpls.pcap`: the plain-Ethernet
/// HTTP connection, here kept with `--port 56730`.
#[test]
fn baseline_mixed_vlan_mpls_pcap_port_56730() {
    agrees_filtered(
        "mixed-vlan-mpls.pcap",
        &["--port", "56730"],
        &["ignore_checksums=T"],
        "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents",
        &[],
        &["1128727435.450898\tUWkUyAuUGXf\t141.42.64.125\t56730\t125.190.109.199\t80\ttcp\thttp\t1.733303\t98\t9417\tSF\t-\t0\tShADdFaf\t12\t730\t10\t9945\t(empty)"],
    );
}
