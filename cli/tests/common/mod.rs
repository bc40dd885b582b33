//! Running the `tcpphase` binary, and making capture files for it to read.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run printed and its exit status.
pub struct Run {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// Runs `tcpphase args` with `stdin` (nothing when `None`) and `env`.
pub fn tcpphase_env(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcpphase"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run tcpphase");
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        // The command may stop reading early (an error): ignore EPIPE.
        let _ = input.write_all(bytes);
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `tcpphase args` with `stdin`.
pub fn tcpphase(args: &[&str], stdin: Option<&[u8]>) -> Run {
    tcpphase_env(args, stdin, &[])
}

/// A recording under `snapshots/captures/`.
pub fn recording(name: &str) -> String {
    format!(
        "{}/../snapshots/captures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A fresh temporary directory for one test.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcpphase-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A little-endian pcap file cut into its header and records.
pub struct Pcap {
    pub header: Vec<u8>,
    pub records: Vec<Vec<u8>>,
}

impl Pcap {
    /// Reads a little-endian microsecond pcap (what the recordings are).
    pub fn read(path: &str) -> Pcap {
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian pcap");
        let mut records = Vec::new();
        let mut at = 24;
        while at + 16 <= bytes.len() {
            let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
            records.push(bytes[at..at + 16 + len].to_vec());
            at += 16 + len;
        }
        Pcap {
            header: bytes[..24].to_vec(),
            records,
        }
    }

    /// The file of records `range`.
    pub fn file_of(&self, range: std::ops::Range<usize>) -> Vec<u8> {
        let mut out = self.header.clone();
        for r in &self.records[range] {
            out.extend_from_slice(r);
        }
        out
    }

    /// The link type in the header.
    pub fn linktype(&self) -> u32 {
        u32::from_le_bytes(self.header[20..24].try_into().unwrap())
    }
}

/// A pcapng file with two interfaces, the recording's link type and
/// `other_linktype`: every record of `pcap` on the first, each followed by
/// a frame of junk on the second.
pub fn pcapng_with_a_second_link_type(pcap: &Pcap, other_linktype: u16) -> Vec<u8> {
    fn block(out: &mut Vec<u8>, kind: u32, body: &[u8]) {
        let mut body = body.to_vec();
        while body.len() % 4 != 0 {
            body.push(0);
        }
        let len = (12 + body.len()) as u32;
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&len.to_le_bytes());
    }
    fn epb(out: &mut Vec<u8>, interface: u32, ts_us: u64, data: &[u8]) {
        let mut body = Vec::new();
        body.extend_from_slice(&interface.to_le_bytes());
        body.extend_from_slice(&((ts_us >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(ts_us as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        block(out, 6, &body);
    }
    let mut out = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    block(&mut out, 0x0A0D_0D0A, &shb);
    for linktype in [pcap.linktype() as u16, other_linktype] {
        let mut idb = Vec::new();
        idb.extend_from_slice(&linktype.to_le_bytes());
        idb.extend_from_slice(&0u16.to_le_bytes());
        idb.extend_from_slice(&65535u32.to_le_bytes());
        block(&mut out, 1, &idb);
    }
    for r in &pcap.records {
        let secs = u32::from_le_bytes(r[0..4].try_into().unwrap()) as u64;
        let micros = u32::from_le_bytes(r[4..8].try_into().unwrap()) as u64;
        let ts = secs * 1_000_000 + micros;
        epb(&mut out, 0, ts, &r[16..]);
        epb(&mut out, 1, ts, b"not a frame tcpphase reads");
    }
    out
}

/// A raw-IPv4 (LINKTYPE 101) pcap of `(seconds, from client, flags, seq, ack)`
/// segments between 10.0.0.1:40000 and 10.0.0.2:80.
pub fn raw_ipv4_pcap(segments: &[(u32, bool, u8, u32, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xa1b2c3d4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(101u32.to_le_bytes());
    for &(secs, from_client, flags, seq, ack) in segments {
        let (src, dst, sport, dport) = if from_client {
            ([10, 0, 0, 1], [10, 0, 0, 2], 40000u16, 80u16)
        } else {
            ([10, 0, 0, 2], [10, 0, 0, 1], 80, 40000)
        };
        let mut frame = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0];
        frame.extend(src);
        frame.extend(dst);
        frame.extend(sport.to_be_bytes());
        frame.extend(dport.to_be_bytes());
        frame.extend(seq.to_be_bytes());
        frame.extend(ack.to_be_bytes());
        frame.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        out.extend(secs.to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((frame.len() as u32).to_le_bytes());
        out.extend((frame.len() as u32).to_le_bytes());
        out.extend(frame);
    }
    out
}

/// Appends every pcap or pcapng file under `dir` (recursively) to `out`;
/// nothing when `dir` is not there.
pub fn captures_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            captures_under(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("pcap" | "pcapng")
        ) {
            out.push(path);
        }
    }
}
