//! What a test run counts: passed, failed and skipped per part, and the closing line.

use std::fs;
use std::path::Path;

#[derive(Default)]
pub struct Tally {
    parts: Vec<(String, Counts)>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Tally {
    pub fn add(&mut self, part: &str, passed: usize, failed: usize) {
        self.add_counts(
            part,
            Counts {
                passed,
                failed,
                skipped: 0,
            },
        );
    }

    pub fn add_counts(&mut self, part: &str, counts: Counts) {
        let Counts {
            passed,
            failed,
            skipped,
        } = counts;
        eprintln!("  = {part}: {passed} passed, {failed} failed, {skipped} skipped");
        self.parts.push((part.to_string(), counts));
    }

    pub fn totals(&self) -> Counts {
        self.parts
            .iter()
            .fold(Counts::default(), |sum, (_, c)| Counts {
                passed: sum.passed + c.passed,
                failed: sum.failed + c.failed,
                skipped: sum.skipped + c.skipped,
            })
    }

    pub fn report(&self) -> bool {
        eprintln!("\n▸ summary");
        for (part, c) in &self.parts {
            eprintln!(
                "  {} {part:<28} {:>4} passed {:>3} failed {:>3} skipped",
                if c.failed == 0 { "✓" } else { "✗" },
                c.passed,
                c.failed,
                c.skipped
            );
        }
        let Counts {
            passed,
            failed,
            skipped,
        } = self.totals();
        println!("{passed} passed, {failed} failed, {skipped} skipped");
        failed == 0
    }
}

/// Sums libtest's `test result: ok. 12 passed; 0 failed; …` lines.
pub fn libtest_counts(output: &str) -> (usize, usize) {
    let mut totals = (0, 0);
    for line in output.lines().filter(|l| l.starts_with("test result:")) {
        let count = |label: &str| {
            line.split(';')
                .find_map(|part| {
                    part.trim()
                        .strip_suffix(label)
                        .map(|n| n.trim_start_matches(|c: char| !c.is_ascii_digit()))
                })
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(0)
        };
        totals.0 += count(" passed");
        totals.1 += count(" failed");
    }
    totals
}

/// How many distinct tests the skips file names.
pub fn skipped_tests(skips: &Path) -> usize {
    let text = fs::read_to_string(skips).unwrap_or_default();
    let tests: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|line| line.split('\t').next())
        .filter(|test| !test.is_empty())
        .collect();
    tests.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_libtest_summary_line() {
        let output = "running 3 tests\n...\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
                      test result: FAILED. 10 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.2s\n";
        assert_eq!(libtest_counts(output), (13, 2));
        assert_eq!(libtest_counts("error[E0425]: cannot find value"), (0, 0));
    }

    #[test]
    fn a_test_that_skipped_twice_counts_once_and_no_file_is_none() {
        let dir = std::env::temp_dir().join(format!("ptp-skips-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let skips = dir.join("skips.txt");
        fs::write(
            &skips,
            "auth::a\tneeds the local Google stand-in\nauth::a\tneeds it again\njobs::b\tneeds the control server\n",
        )
        .unwrap();
        assert_eq!(skipped_tests(&skips), 2);
        assert_eq!(skipped_tests(&dir.join("absent.txt")), 0);
        fs::remove_dir_all(&dir).unwrap();
    }
}
