//! Giving back to the system the memory a build freed. mimalloc keeps the pages a thread
//! freed for that thread's next allocations and returns idle memory only when some thread
//! allocates again after a delay; a preview's build threads sit idle between rebuilds, so
//! without this what a build freed (about 150 MiB after the first build at 10,000 articles)
//! stays resident until the next edit.

/// Has every thread of the build pool, then this one, return its free memory (all of it:
/// pages are released now, not after mimalloc's delay). Called once a build is served.
pub(super) fn give_back() {
    #[cfg(feature = "mimalloc")]
    {
        // SAFETY: `mi_collect` only releases memory that no live allocation uses; it may be
        // called on any thread at any time.
        rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
        unsafe { libmimalloc_sys::mi_collect(true) };
    }
}

#[cfg(all(test, feature = "mimalloc", target_os = "linux"))]
mod tests {
    use super::*;
    use rayon::prelude::*;

    /// This process's resident memory in KiB.
    fn resident_kib() -> usize {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// Set in the child process that runs the measurement alone.
    const CHILD: &str = "SRM_MEMORY_TEST_CHILD";

    /// Runs the measurement in a child process of this test binary, alone: other tests
    /// running beside it would allocate (which lets mimalloc purge on its own) and move the
    /// resident figure. mimalloc's purge delay is set so long that only `give_back` can purge.
    #[test]
    fn memory_freed_on_the_pool_threads_is_returned() {
        if std::env::var_os(CHILD).is_some() {
            return measure_give_back();
        }
        let name = "serve::memory::tests::memory_freed_on_the_pool_threads_is_returned";
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([name, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env("MIMALLOC_PURGE_DELAY", "3600000")
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{report}");
        assert!(
            report.contains("1 passed"),
            "the child ran no test:\n{report}"
        );
    }

    /// Allocates 256 MiB in small blocks through mimalloc, written to on the pool threads and
    /// freed there, then checks that `give_back` returns at least half of it.
    fn measure_give_back() {
        let blocks: Vec<Vec<usize>> = (0..64)
            .into_par_iter()
            .map(|_| {
                (0..4096)
                    .map(|_| {
                        // SAFETY: a fresh block of 1 KiB, written within its bounds.
                        unsafe {
                            let b = libmimalloc_sys::mi_malloc(1024).cast::<u8>();
                            b.write_bytes(1, 1024);
                            b as usize
                        }
                    })
                    .collect()
            })
            .collect();
        blocks.into_par_iter().for_each(|list| {
            for b in list {
                // SAFETY: each block is freed once, after it was allocated.
                unsafe { libmimalloc_sys::mi_free(b as *mut _) };
            }
        });
        let before = resident_kib();
        give_back();
        let after = resident_kib();
        assert!(
            before > after + 128 * 1024,
            "resident {before} KiB before, {after} KiB after"
        );
    }
}
