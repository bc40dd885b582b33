//! Captures as they come from the field give the labels of the plain ones:
//! snaplen cuts made by `editcap -s` (header-only captures), the same TCP
//! packets wrapped in every encapsulation and tunnel tcpphase reads, and
//! cut into IP fragments (in order, backwards, with overlaps). tshark reads
//! each built capture the same as the plain one (tcp.stream, tcp.flags,
//! tcp.seq), so the built frames are what real ones look like.

mod common;

#[path = "common/encapsulate.rs"]
mod encapsulate;

use encapsulate::{fragment, tcp_packets, Fragmenting, PcapFile, Wrap};
use std::path::{Path, PathBuf};
use std::process::Command;
use tcpphase::phase::AnomalyFlags;
use tcpphase::track::Annotation;

fn snapshot_captures() -> Vec<PathBuf> {
    let dir = common::repo_root().join("snapshots/captures");
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("snapshots/captures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    out.sort();
    assert!(out.len() >= 10, "snapshot captures missing");
    out
}

/// The captures tshark also reads wrapped and fragmented (tshark takes
/// about a second a file; every capture is compared with tcpphase itself).
const SHARK_CHECKED: [&str; 3] = [
    "http-server-closes.pcap",
    "ipv6.pcap",
    "rst-unread-data.pcap",
];

fn tool(name: &str) -> bool {
    let ok = Command::new(name).arg("--version").output().is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is missing; the test command installs it"
        );
        eprintln!("{name} not installed: skipped");
    }
    ok
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcpphase-wire-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// What tshark says of every TCP segment: stream, flags, relative seq.
fn tshark_segments(path: &Path) -> Vec<String> {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(path)
        .args([
            "-Y",
            "tcp",
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "tcp.stream",
            "-e",
            "tcp.flags",
            "-e",
            "tcp.seq",
            "-e",
            "tcp.len",
        ])
        .output()
        .expect("run tshark");
    assert!(out.status.success(), "tshark failed on {}", path.display());
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        // A frame can hold TCP twice (inside ICMP): the first is the segment.
        .map(|l| {
            l.split('|')
                .map(|f| f.split(',').next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// The parts of an annotation that must not depend on how the segment was
/// carried (frame numbers and times aside; options-cut is the cut's mark).
fn label(a: &Annotation) -> String {
    let mut flags = a.flags;
    flags.0 &= !AnomalyFlags::OPTIONS_CUT.0;
    format!(
        "stream {} conn {} {} {}/{} {} {} closer {} [{}] {} seq {} ack {} len {} win {}",
        a.stream,
        a.conn,
        a.dir,
        a.phase,
        a.step,
        a.client_state,
        a.server_state,
        a.closer,
        flags,
        a.tcp_flags,
        a.seq,
        a.ack,
        a.len,
        a.window
    )
}

fn labels(frames: &[Option<Annotation>]) -> Vec<Option<String>> {
    frames.iter().map(|a| a.as_ref().map(label)).collect()
}

/// The smallest snap length that keeps every frame's IP and fixed TCP header.
fn header_only_snaplen(path: &Path) -> usize {
    let file = std::fs::File::open(path).expect("open");
    let mut reader =
        tcpphase::capture::CaptureReader::new(std::io::BufReader::new(file)).expect("header");
    let mut most = 0;
    while let Ok(Some(frame)) = reader.next_frame() {
        if let Ok(tcpphase::wire::Decoded::Tcp(s)) =
            tcpphase::wire::decode_frame_linktype(frame.linktype, frame.data)
        {
            most = most.max(s.tcp_offset + 20);
        }
    }
    most
}

#[test]
fn editcap_snaplen_cuts_give_the_full_captures_labels() {
    if !tool("editcap") || !tool("tshark") {
        return;
    }
    let dir = temp_dir("cuts");
    let mut flagged = 0;
    let mut compared = 0;
    for path in snapshot_captures() {
        let full = common::run(&path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let least = header_only_snaplen(&path);
        let shark = SHARK_CHECKED.contains(&name.as_str());
        let shark_full = if shark {
            tshark_segments(&path)
        } else {
            Vec::new()
        };
        for snaplen in [least, 68, 96] {
            if snaplen < least {
                continue;
            }
            let cut = dir.join(format!("{snaplen}-{name}"));
            let status = Command::new("editcap")
                .args(["-s", &snaplen.to_string()])
                .arg(&path)
                .arg(&cut)
                .status()
                .expect("run editcap");
            assert!(status.success(), "editcap -s {snaplen} {name}");
            let ours = common::run(&cut);
            assert_eq!(
                labels(&ours.frames),
                labels(&full.frames),
                "{name} cut at {snaplen} bytes"
            );
            // The flag is there exactly where the options were cut.
            for a in ours.frames.iter().flatten() {
                if a.flags.contains(AnomalyFlags::OPTIONS_CUT) {
                    flagged += 1;
                }
            }
            assert_eq!(
                ours.summaries.len(),
                full.summaries.len(),
                "{name} at {snaplen}: connections"
            );
            for (c, f) in ours.summaries.iter().zip(&full.summaries) {
                assert_eq!(
                    format!("{c:?}"),
                    format!("{f:?}"),
                    "{name} at {snaplen}: summary of conn {}",
                    f.conn
                );
            }
            // tshark reads the cut file as it reads the full one.
            if shark {
                let shark_cut = tshark_segments(&cut);
                assert_eq!(shark_cut, shark_full, "tshark on {name} cut at {snaplen}");
            }
            compared += 1;
        }
    }
    assert!(compared >= 30, "only {compared} cuts compared");
    assert!(flagged > 20, "only {flagged} segments flagged options-cut");
    let _ = std::fs::remove_dir_all(dir);
}

/// The plain raw-IP capture of a snapshot's TCP packets, and a wrapped one.
fn wrapped(path: &Path, wrap: Wrap) -> PcapFile {
    PcapFile {
        linktype: wrap.linktype(),
        frames: tcp_packets(path)
            .iter()
            .map(|p| (p.ts_ns, wrap.frame(&p.ip)))
            .collect(),
    }
}

/// With `TCPPHASE_FIELD_CAPTURES=DIR`, the wrapped captures of
/// http-server-closes.pcap are left in DIR (scripts/mutate.sh mutates them).
#[test]
fn every_tunnel_and_encapsulation_gives_the_unwrapped_labels() {
    let keep = std::env::var_os("TCPPHASE_FIELD_CAPTURES").map(PathBuf::from);
    let shark = keep.is_none() && tool("tshark");
    let dir = temp_dir("wraps");
    let mut compared = 0;
    for path in snapshot_captures() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let plain = wrapped(&path, Wrap::Raw);
        let expected: Vec<String> = plain.annotations().iter().map(label).collect();
        assert!(!expected.is_empty(), "{name}: no segments");
        let plain_path = dir.join(format!("raw-{name}"));
        plain.write(&plain_path);
        let shark = shark && SHARK_CHECKED.contains(&name.as_str());
        let shark_plain = if shark {
            tshark_segments(&plain_path)
        } else {
            Vec::new()
        };
        for wrap in Wrap::ALL {
            let file = wrapped(&path, wrap);
            let got: Vec<String> = file.annotations().iter().map(label).collect();
            assert_eq!(got, expected, "{name} wrapped in {wrap:?}");
            if let Some(keep) = keep.as_ref().filter(|_| name == "http-server-closes.pcap") {
                std::fs::create_dir_all(keep).expect("TCPPHASE_FIELD_CAPTURES dir");
                file.write(&keep.join(format!("{wrap:?}.pcap")));
            }
            if shark {
                let out = dir.join(format!("{wrap:?}-{name}"));
                file.write(&out);
                assert_eq!(
                    tshark_segments(&out),
                    shark_plain,
                    "tshark on {name} wrapped in {wrap:?}"
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 150, "only {compared} wrapped captures");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn fragmented_captures_give_the_unfragmented_labels_on_the_completing_frame() {
    let shark = tool("tshark");
    let dir = temp_dir("fragments");
    let mut fragmented_segments = 0;
    for path in snapshot_captures() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let packets = tcp_packets(&path);
        let plain = wrapped(&path, Wrap::Raw);
        let expected: Vec<String> = plain.annotations().iter().map(label).collect();
        let plain_path = dir.join(format!("raw-{name}"));
        plain.write(&plain_path);
        let shark = shark && SHARK_CHECKED.contains(&name.as_str());
        let shark_plain = if shark {
            tshark_segments(&plain_path)
        } else {
            Vec::new()
        };
        for how in [
            Fragmenting::InOrder { size: 16 },
            Fragmenting::InOrder { size: 1280 },
            Fragmenting::Reversed { size: 24 },
        ] {
            let mut file = PcapFile {
                linktype: 1,
                frames: Vec::new(),
            };
            // Which frame completes each packet: its last one.
            let mut completing = Vec::new();
            for (i, p) in packets.iter().enumerate() {
                let frames = fragment(&p.ip, 0x1000 + i as u32, how);
                if frames.len() > 1 {
                    fragmented_segments += 1;
                }
                for f in frames {
                    file.frames.push((p.ts_ns, f));
                }
                completing.push(file.frames.len() as u64);
            }
            let got = file.annotations();
            assert_eq!(
                got.iter().map(label).collect::<Vec<_>>(),
                expected,
                "{name} fragmented {how:?}"
            );
            let frames: Vec<u64> = got.iter().map(|a| a.frame).collect();
            assert_eq!(
                frames, completing,
                "{name} {how:?}: labelled on the completing frame"
            );
            if shark {
                let out = dir.join(format!("frag-{how:?}-{name}"));
                file.write(&out);
                assert_eq!(
                    tshark_segments(&out),
                    shark_plain,
                    "tshark on {name} fragmented {how:?}"
                );
            }
        }
    }
    assert!(
        fragmented_segments > 100,
        "only {fragmented_segments} segments fragmented"
    );
    let _ = std::fs::remove_dir_all(dir);
}
