//! The texts beside an arrow: flags and numbers above, phase and step below.

use tcpphase::track::Annotation;
use tcpphase::wire::TcpFlags;

/// Flag names in Wireshark's order of the common pairs (`SYN, ACK`,
/// `FIN, ACK`, `PSH, ACK`, `RST, ACK`).
const FLAG_NAMES: [(TcpFlags, &str); 9] = [
    (TcpFlags::SYN, "SYN"),
    (TcpFlags::FIN, "FIN"),
    (TcpFlags::RST, "RST"),
    (TcpFlags::PSH, "PSH"),
    (TcpFlags::ACK, "ACK"),
    (TcpFlags::URG, "URG"),
    (TcpFlags::ECE, "ECE"),
    (TcpFlags::CWR, "CWR"),
    (TcpFlags::AE, "AE"),
];

/// `SYN, ACK seq=0 ack=1 len=0`: the ack only when ACK is set.
pub fn arrow_label(a: &Annotation) -> String {
    let mut label = String::new();
    for (flag, name) in FLAG_NAMES {
        if a.tcp_flags.contains(flag) {
            if !label.is_empty() {
                label.push_str(", ");
            }
            label.push_str(name);
        }
    }
    if label.is_empty() {
        label.push_str("(no flags)");
    }
    label.push_str(&format!(" seq={}", a.seq));
    if a.tcp_flags.ack() {
        label.push_str(&format!(" ack={}", a.ack));
    }
    label.push_str(&format!(" len={}", a.len));
    label
}

/// `active-close/fin`, with the anomalies: `data/data [retransmission]`.
pub fn step_text(a: &Annotation) -> String {
    let mut text = format!("{}/{}", a.phase.name(), a.step.name());
    if !a.flags.is_empty() {
        text.push_str(&format!(" [{}]", a.flags));
    }
    text
}
