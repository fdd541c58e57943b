//! The files `generate` produces, written to disk or compared with it.

use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::error::{Error, Result};

/// Lines of diff shown per stale file before the rest is elided.
const DIFF_LINES_PER_FILE: usize = 120;

/// One generated file: where it goes and what it holds.
pub struct Artifact {
    /// Path relative to the output root.
    pub path: PathBuf,
    /// The full contents.
    pub contents: String,
}

/// Writes every artifact under `root`, creating folders as needed; files whose
/// contents are already right are left untouched (their mtime too).
pub fn write_all(root: &Path, artifacts: &[Artifact]) -> Result<usize> {
    let mut written = 0;
    for a in artifacts {
        let path = root.join(&a.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(a.contents.as_str()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&path, &a.contents).map_err(|e| Error::io(&path, e))?;
        written += 1;
    }
    Ok(written)
}

/// Compares every artifact with the file under `root` and returns a readable
/// unified diff for each one that differs (a missing file counts as empty).
pub fn stale(root: &Path, artifacts: &[Artifact]) -> Vec<String> {
    let mut reports = Vec::new();
    for a in artifacts {
        let path = root.join(&a.path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == a.contents {
            continue;
        }
        let shown = a.path.display().to_string();
        let diff = TextDiff::from_lines(&current, &a.contents);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{shown} (committed)"),
                &format!("{shown} (generated)"),
            )
            .to_string();
        let total = text.lines().count();
        let mut report: String = text
            .lines()
            .take(DIFF_LINES_PER_FILE)
            .map(|l| format!("{l}\n"))
            .collect();
        if total > DIFF_LINES_PER_FILE {
            report.push_str(&format!(
                "... {} more diff lines for {shown}\n",
                total - DIFF_LINES_PER_FILE
            ));
        }
        if current.is_empty() {
            report = format!("{shown}: missing (would be created)\n");
        }
        reports.push(report);
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("xtask-artifacts-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn write_then_check_is_clean_and_edits_are_reported() {
        let root = tmpdir("roundtrip");
        let arts = vec![Artifact {
            path: PathBuf::from("a/b.rs"),
            contents: "fn a() {}\nfn b() {}\n".into(),
        }];
        assert_eq!(stale(&root, &arts).len(), 1, "missing file is stale");
        assert_eq!(write_all(&root, &arts).expect("writes"), 1);
        assert!(stale(&root, &arts).is_empty());
        assert_eq!(
            write_all(&root, &arts).expect("writes"),
            0,
            "unchanged files are not rewritten"
        );
        std::fs::write(root.join("a/b.rs"), "fn a() {}\nfn c() {}\n").expect("edit");
        let reports = stale(&root, &arts);
        assert_eq!(reports.len(), 1);
        assert!(reports[0].contains("-fn c() {}"), "{}", reports[0]);
        assert!(reports[0].contains("+fn b() {}"), "{}", reports[0]);
        assert!(reports[0].contains("a/b.rs (committed)"), "{}", reports[0]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
