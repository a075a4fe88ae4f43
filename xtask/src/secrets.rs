//! The local stacks' secrets: `.dev.vars` from `.dev.vars.example`, whose `generate:<bytes>`
//! placeholders become fresh random hex, written readable by its owner only.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::paths::Paths;
use crate::random;

/// Writes a file only its owner can read: it holds secrets.
pub fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// Fills `.dev.vars.example`'s `generate:<bytes>` placeholders with fresh random hex.
pub fn generate_secrets(example: &str) -> Result<String> {
    let mut out = String::new();
    for line in example.lines() {
        match line.split_once('=') {
            Some((name, value))
                if !line.trim_start().starts_with('#') && value.starts_with("generate:") =>
            {
                let bytes: usize = value["generate:".len()..]
                    .trim()
                    .parse()
                    .with_context(|| format!("{name}: bad generate:<bytes>"))?;
                out.push_str(&format!("{name}={}\n", random::hex(bytes)?));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// `.dev.vars` for the dev stack: created from the example on first run; later, settings the
/// example gained since are added (generated ones only), and nothing present is touched.
pub fn dev_vars(paths: &Paths) -> Result<PathBuf> {
    let path = paths.root.join(".dev.vars");
    let example = fs::read_to_string(paths.root.join(".dev.vars.example"))
        .context("reading .dev.vars.example")?;
    let Ok(current) = fs::read_to_string(&path) else {
        write_private(&path, &generate_secrets(&example)?)?;
        eprintln!("  created .dev.vars with fresh random secrets (git-ignored)");
        return Ok(path);
    };
    let missing = missing_generated(&example, &current);
    if !missing.is_empty() {
        let mut updated = current.trim_end().to_string();
        updated.push('\n');
        updated.push_str(&generate_secrets(&missing.join("\n"))?);
        write_private(&path, &updated)?;
        eprintln!(
            "  added {} new generated setting(s) to .dev.vars",
            missing.len()
        );
    }
    Ok(path)
}

/// The example's `NAME=generate:N` lines whose NAME the current file does not set.
fn missing_generated<'a>(example: &'a str, current: &str) -> Vec<&'a str> {
    let set: Vec<&str> = current
        .lines()
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()))
        .collect();
    example
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter(|line| {
            line.split_once('=').is_some_and(|(name, value)| {
                value.starts_with("generate:") && !set.contains(&name.trim())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_replace_only_placeholders() {
        let example = "# comment with generate:8\nJWT_SECRET=generate:32\nOTHER=kept\n";
        let generated = generate_secrets(example).unwrap();
        let lines: Vec<&str> = generated.lines().collect();
        assert_eq!(lines[0], "# comment with generate:8");
        let secret = lines[1].strip_prefix("JWT_SECRET=").unwrap();
        assert_eq!(secret.len(), 64);
        assert!(secret.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(lines[2], "OTHER=kept");
        assert_ne!(
            generate_secrets(example).unwrap(),
            generated,
            "secrets must be random"
        );
    }

    #[test]
    fn new_generated_settings_are_found_and_existing_ones_kept() {
        let example = "# c\nJWT_SECRET=generate:32\nAPI_KEY_SECRET=generate:32\nPLAIN=x\n";
        assert_eq!(
            missing_generated(example, "JWT_SECRET=abc\n"),
            ["API_KEY_SECRET=generate:32"]
        );
        assert!(missing_generated(example, "JWT_SECRET=a\nAPI_KEY_SECRET=b\n").is_empty());
    }
}
