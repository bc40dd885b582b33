//! Captures as they come: compressed (gzip, zstd, lz4) from a file and from
//! a pipe, records arriving one by one on a pipe, a live capture on the
//! loopback interface, and a capture with nothing to label.

mod common;

use common::{recording, tcpphase, temp_dir, Pcap};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Every recording under `snapshots/captures/`.
fn recordings() -> Vec<String> {
    let dir = format!("{}/../snapshots/captures", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "the snapshot captures are there");
    names
}

#[derive(Debug, Clone, Copy)]
enum Codec {
    Gzip,
    Zstd,
    Lz4,
}

const CODECS: [Codec; 3] = [Codec::Gzip, Codec::Zstd, Codec::Lz4];

/// A writer compressing into `out`, whose `flush` pushes out everything
/// written so far (as tcpdump | gzip would, block by block).
fn compressor(codec: Codec, out: Box<dyn Write + Send>) -> Box<dyn Write + Send> {
    match codec {
        Codec::Gzip => Box::new(flate2::write::GzEncoder::new(
            out,
            flate2::Compression::default(),
        )),
        Codec::Zstd => Box::new(
            zstd::stream::write::Encoder::new(out, 3)
                .unwrap()
                .auto_finish(),
        ),
        Codec::Lz4 => Box::new(AutoFinishLz4(Some(lz4_flex::frame::FrameEncoder::new(out)))),
    }
}

/// lz4_flex's encoder writes its end mark on `finish`; this one on drop.
struct AutoFinishLz4<W: Write>(Option<lz4_flex::frame::FrameEncoder<W>>);

impl<W: Write> Write for AutoFinishLz4<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.as_mut().unwrap().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.as_mut().unwrap().flush()
    }
}

impl<W: Write> Drop for AutoFinishLz4<W> {
    fn drop(&mut self) {
        if let Some(e) = self.0.take() {
            let _ = e.finish();
        }
    }
}

/// `bytes` compressed whole.
fn compress(codec: Codec, bytes: &[u8]) -> Vec<u8> {
    let sink = SharedVec::default();
    {
        let mut w = compressor(codec, Box::new(sink.clone()));
        w.write_all(bytes).unwrap();
    }
    sink.take()
}

#[derive(Clone, Default)]
struct SharedVec(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedVec {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl Write for SharedVec {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn compressed_copies_give_byte_identical_output_from_a_file_and_from_a_pipe() {
    let dir = temp_dir("compressed");
    for name in recordings() {
        let path = recording(&name);
        let bytes = std::fs::read(&path).unwrap();
        for command in [
            &["annotate"][..],
            &["annotate", "--json"],
            &["conns", "--json"],
        ] {
            let plain = tcpphase(&[command, &[path.as_str()]].concat(), None);
            assert_eq!(plain.code, 0, "{name}: {}", plain.err);
            assert!(!plain.out.is_empty(), "{name}");
            for codec in CODECS {
                let packed = compress(codec, &bytes);
                assert_ne!(packed[..4], bytes[..4]);
                let file = dir.join(format!("{name}.{codec:?}"));
                std::fs::write(&file, &packed).unwrap();
                let from_file = tcpphase(&[command, &[file.to_str().unwrap()]].concat(), None);
                let from_pipe = tcpphase(&[command, &["-"]].concat(), Some(&packed));
                for (how, run) in [("file", &from_file), ("pipe", &from_pipe)] {
                    assert_eq!(run.code, 0, "{name} {codec:?} {how}: {}", run.err);
                    assert_eq!(run.err, "", "{name} {codec:?} {how}");
                    assert!(
                        run.out == plain.out,
                        "{name} {codec:?} from a {how} ({command:?}) differs from the plain capture"
                    );
                }
            }
        }
    }
}

#[test]
fn several_gzip_members_and_zstd_frames_are_read_one_after_the_other() {
    let path = recording("http-server-closes.pcap");
    let pcap = Pcap::read(&path);
    let whole = pcap.file_of(0..pcap.records.len());
    let plain = tcpphase(&["annotate", "--json", &path], None);
    let split = pcap.header.len() + pcap.records[..4].iter().map(Vec::len).sum::<usize>();
    for codec in [Codec::Gzip, Codec::Zstd, Codec::Lz4] {
        let mut packed = compress(codec, &whole[..split]);
        packed.extend(compress(codec, &whole[split..]));
        let run = tcpphase(&["annotate", "--json", "-"], Some(&packed));
        assert_eq!(run.code, 0, "{codec:?}: {}", run.err);
        assert_eq!(run.out, plain.out, "{codec:?}");
    }
}

#[test]
fn a_damaged_compressed_capture_prints_what_came_before_then_one_line() {
    let path = recording("data-bulk.pcap");
    let bytes = std::fs::read(&path).unwrap();
    for codec in CODECS {
        let packed = compress(codec, &bytes);
        let cut = &packed[..packed.len() * 2 / 3];
        let run = tcpphase(&["annotate", "-"], Some(cut));
        assert_eq!(run.code, 1, "{codec:?}");
        let name = format!("{codec:?}").to_lowercase();
        assert_eq!(run.err.lines().count(), 1, "{codec:?}: {}", run.err);
        assert!(
            run.err
                .starts_with(&format!("tcpphase: -: {name} stream damaged after ")),
            "{codec:?}: {}",
            run.err
        );
        // zstd and lz4 hand over whole blocks (128 KiB, 64 KiB): a cut
        // inside the only block leaves nothing to print; deflate streams.
        if matches!(codec, Codec::Gzip) {
            assert!(
                run.out.lines().count() > 10,
                "{codec:?}: frames before the cut"
            );
        }
    }
    // Compressed, but not a capture inside.
    let run = tcpphase(
        &["conns", "-"],
        Some(&compress(Codec::Zstd, b"hello, world")),
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.err,
        "tcpphase: -: zstd-compressed, but not a pcap or pcapng file (starts with 68 65 6c 6c)\n"
    );
}

/// Reads `child`'s standard output line by line into a channel.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Feeds a capture to `tcpphase annotate -` one record at a time, with a
/// pause after each, through `codec` (None: plain); checks that each
/// record's line comes out before the next record is written.
fn records_one_by_one(codec: Option<Codec>, args: &[&str]) {
    let pcap = Pcap::read(&recording("http-server-closes.pcap"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcpphase"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    let stdin: Box<dyn Write + Send> = Box::new(child.stdin.take().unwrap());
    let mut input = match codec {
        Some(codec) => compressor(codec, stdin),
        None => stdin,
    };
    input.write_all(&pcap.header).unwrap();
    for (i, record) in pcap.records.iter().enumerate() {
        input.write_all(record).unwrap();
        input.flush().unwrap();
        let line = lines
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("{codec:?}: no line for record {} while it waits", i + 1));
        let frame: u64 = line
            .trim_start()
            .trim_start_matches("{\"frame\":")
            .split([' ', ','])
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("{codec:?}: {line}"));
        assert_eq!(frame, i as u64 + 1, "{codec:?}: {line}");
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            lines.try_recv().is_err(),
            "{codec:?}: a line before its record"
        );
    }
    drop(input);
    let status = child.wait().unwrap();
    assert!(status.success(), "{codec:?}");
}

#[test]
fn on_a_pipe_each_record_is_labelled_before_the_next_arrives() {
    records_one_by_one(None, &["annotate", "-"]);
    records_one_by_one(None, &["annotate", "--json", "-"]);
}

#[test]
fn on_a_compressed_pipe_each_record_is_labelled_before_the_next_arrives() {
    for codec in CODECS {
        records_one_by_one(Some(codec), &["annotate", "-"]);
    }
}

/// A pcap of `frames` Ethernet frames that are UDP, not TCP.
fn udp_capture(frames: usize) -> Vec<u8> {
    let pcap = Pcap::read(&recording("http-server-closes.pcap"));
    let mut out = pcap.header.clone();
    for i in 0..frames {
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x08, 0x00]);
        let udp = [
            0x30, 0x39, 0x00, 0x35, 0x00, 0x0c, 0, 0, b'a', b'b', b'c', b'd',
        ];
        let total = (20 + udp.len()) as u16;
        frame.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0, 0, 64, 17]);
        frame.extend_from_slice(&[0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        frame.extend_from_slice(&udp);
        out.extend_from_slice(&(i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&frame);
    }
    out
}

#[test]
fn a_capture_with_nothing_to_label_says_what_it_saw_in_one_line() {
    let capture = udp_capture(3);
    let run = tcpphase(&["annotate", "-"], Some(&capture));
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(run.out, "");
    assert_eq!(
        run.err,
        "tcpphase: -: nothing to label: 3 frames of link type 1 (Ethernet), none of them a TCP segment tcpphase decodes (not IP, not TCP, or in an encapsulation it does not open)\n"
    );
    let run = tcpphase(
        &["conns", "--json", "-"],
        Some(&compress(Codec::Gzip, &capture)),
    );
    assert_eq!(run.code, 0);
    assert_eq!(run.out, "");
    assert!(
        run.err.contains("nothing to label: 3 frames"),
        "{}",
        run.err
    );
    // One TCP segment among them: labelled, no such line.
    let pcap = Pcap::read(&recording("http-server-closes.pcap"));
    let mut mixed = capture.clone();
    mixed.extend_from_slice(&pcap.records[0]);
    let run = tcpphase(&["annotate", "-"], Some(&mixed));
    assert_eq!((run.code, run.err.as_str()), (0, ""));
    assert_eq!(run.out.lines().count(), 1);
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Starts `tcpphase args` capturing, and waits until it says it captures.
fn start_capture(args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcpphase"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert_eq!(first, "tcpphase: capturing on 'lo'\n", "{args:?}");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest);
        let _ = tx.send(rest);
    });
    (child, rx)
}

/// A real connection on the loopback: handshake, a request, an answer,
/// the server closes first.
fn one_connection(port: u16) {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let mut client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    client.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let mut buf = [0u8; 64];
    let _ = server.read(&mut buf).unwrap();
    server.write_all(b"HTTP/1.0 200 OK\r\n\r\n").unwrap();
    drop(server);
    let _ = client.read(&mut buf);
    let _ = client.read(&mut buf);
    drop(client);
    std::thread::sleep(Duration::from_millis(300));
}

fn ctrl_c(child: &Child) {
    // SAFETY: a signal to our own child, which has not been waited for.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0);
}

#[test]
fn annotate_captures_a_real_loopback_connection_on_lo() {
    if !is_root() {
        eprintln!("SKIPPED: capturing on lo needs root (the test command runs as root)");
        return;
    }
    let (mut child, err) = start_capture(&[
        "annotate",
        "--json",
        "-i",
        "lo",
        "-f",
        "tcp port 47310",
        "-c",
        "3",
        "--duration",
        "20",
    ]);
    let lines = lines_of(&mut child);
    one_connection(47310);
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(
            lines
                .recv_timeout(Duration::from_secs(10))
                .expect("a line per segment"),
        );
    }
    assert!(child.wait().unwrap().success());
    for (line, step) in got.iter().zip(["syn", "syn-ack", "ack"]) {
        assert!(line.contains("\"phase\":\"handshake\""), "{line}");
        assert!(line.contains(&format!("\"step\":\"{step}\"")), "{line}");
        assert!(line.contains("47310"), "{line}");
    }
    assert!(
        lines.recv_timeout(Duration::from_secs(1)).is_err(),
        "-c 3: three lines"
    );
    assert_eq!(err.recv().unwrap(), "tcpphase: 3 frames captured on 'lo'\n");
}

#[test]
fn ctrl_c_ends_a_live_conns_and_states_with_what_they_owe() {
    if !is_root() {
        eprintln!("SKIPPED: capturing on lo needs root (the test command runs as root)");
        return;
    }
    let (mut conns, _) = start_capture(&["conns", "--json", "-i", "lo", "-f", "tcp port 47311"]);
    let (mut states, _) = start_capture(&["states", "-i", "lo", "-f", "tcp port 47311"]);
    one_connection(47311);
    ctrl_c(&conns);
    ctrl_c(&states);
    let mut conns_out = String::new();
    conns
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut conns_out)
        .unwrap();
    assert!(conns.wait().unwrap().success(), "Ctrl-C ends cleanly");
    assert_eq!(conns_out.lines().count(), 1, "{conns_out}");
    assert!(
        conns_out.contains("\"server\":\"127.0.0.1:47311\""),
        "{conns_out}"
    );
    assert!(
        conns_out.contains("\"handshake\":\"complete\""),
        "{conns_out}"
    );
    let mut states_out = String::new();
    states
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut states_out)
        .unwrap();
    assert!(states.wait().unwrap().success());
    assert!(states_out.contains("127.0.0.1:47311"), "{states_out}");
    assert!(states_out.contains("TIME-WAIT"), "{states_out}");
}

#[test]
fn without_privilege_one_line_says_what_is_needed() {
    if !is_root() {
        eprintln!("SKIPPED: dropping privilege needs root to start from");
        return;
    }
    // A copy of the binary that the unprivileged user can run.
    let dir = temp_dir("unprivileged");
    let bin = dir.join("tcpphase");
    std::fs::copy(env!("CARGO_BIN_EXE_tcpphase"), &bin).unwrap();
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(&bin)
        .args(["annotate", "-i", "lo"])
        .output()
        .expect("setpriv (util-linux)");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "tcpphase: lo: cannot capture: needs root or CAP_NET_RAW\n"
    );
}

#[test]
fn live_options_need_an_interface_and_a_bad_filter_is_a_usage_error() {
    let run = tcpphase(&["annotate", "-c", "3", "-"], Some(b""));
    assert_eq!(run.code, 2);
    assert!(run.err.contains("need -i IFACE"), "{}", run.err);
    if is_root() {
        let run = tcpphase(&["annotate", "-i", "lo", "-f", "tcp port nope"], None);
        assert_eq!(run.code, 2);
        assert!(
            run.err
                .starts_with("tcpphase: lo: invalid capture filter 'tcp port nope': "),
            "{}",
            run.err
        );
        assert_eq!(run.err.lines().count(), 1);
    }
}

#[test]
fn tshark_reads_the_same_compressed_copies_frame_for_frame() {
    let dir = temp_dir("tshark-compressed");
    let path = recording("http-server-closes.pcap");
    let bytes = std::fs::read(&path).unwrap();
    let fields = |file: &str| {
        let out = Command::new("tshark")
            .args([
                "-r",
                file,
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "tcp.flags",
            ])
            .output()
            .expect("tshark (the test command installs it)");
        assert!(out.status.success(), "tshark -r {file}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let plain = fields(&path);
    assert_eq!(plain.lines().count(), 11);
    let ours = tcpphase(&["annotate", &path], None).out;
    for codec in CODECS {
        let file = dir.join(format!("copy.{codec:?}"));
        std::fs::write(&file, compress(codec, &bytes)).unwrap();
        let file = file.to_str().unwrap();
        assert_eq!(fields(file), plain, "tshark on the {codec:?} copy");
        assert_eq!(tcpphase(&["annotate", file], None).out, ours, "{codec:?}");
    }
}
