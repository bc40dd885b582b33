//! A hint to the CPU to start loading a cache line now: how a batch of
//! lookups overlaps its cache misses instead of taking them one by one.

/// Asks for the cache line at `address` to be loaded into every cache
/// level; a no-op where the target has no such instruction here.
#[inline(always)]
pub(crate) fn prefetch(address: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and reads nothing the program sees,
    // whatever the address (SSE is part of every x86_64 target).
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(address.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}
