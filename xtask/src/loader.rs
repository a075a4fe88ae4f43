//! trunk writes the SPA's loader as an inline `<script type="module">` in `index.html`. The
//! Content-Security-Policy refuses inline scripts, so after each SPA build the loader moves into
//! a file of its own, named by its content like every other build file (so it is immutable).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

const OPEN: &str = "<script type=\"module\">";
const CLOSE: &str = "</script>";

/// Rewrites `dist/index.html` to load its inline module script from `dist/boot-<hash>.js`.
/// Already rewritten (no inline module script left) is fine.
pub fn externalize(dist: &Path) -> Result<()> {
    let index = dist.join("index.html");
    let page =
        fs::read_to_string(&index).with_context(|| format!("reading {}", index.display()))?;
    let Some((page, name, script)) = split(&page)? else {
        return Ok(());
    };
    fs::write(dist.join(&name), script)?;
    fs::write(&index, page)?;
    Ok(())
}

/// The page with its inline module script replaced by a reference, the script's file name and
/// its text; `None` when the page has no inline module script.
fn split(page: &str) -> Result<Option<(String, String, String)>> {
    let Some(start) = page.find(OPEN) else {
        return Ok(None);
    };
    let body_start = start + OPEN.len();
    let Some(length) = page[body_start..].find(CLOSE) else {
        bail!("index.html: an inline module script is never closed");
    };
    let script = page[body_start..body_start + length].trim().to_string() + "\n";
    if page[body_start + length..].contains(OPEN) {
        bail!("index.html has more than one inline module script; only trunk's loader is expected");
    }
    let digest = Sha256::digest(script.as_bytes());
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("boot-{hash}.js");
    let page = format!(
        "{}<script type=\"module\" src=\"/{name}\"></script>{}",
        &page[..start],
        &page[body_start + length + CLOSE.len()..]
    );
    Ok(Some((page, name, script)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUNK: &str = "<head>\n<script type=\"module\">\nimport init from '/app-1.js';\nawait init();\n</script>\n<link rel=\"modulepreload\" href=\"/app-1.js\"></head>";

    #[test]
    fn the_loader_moves_into_a_file_named_by_its_content() {
        let (page, name, script) = split(TRUNK).unwrap().unwrap();
        assert_eq!(script, "import init from '/app-1.js';\nawait init();\n");
        assert!(name.starts_with("boot-") && name.ends_with(".js") && name.len() == 24);
        assert_eq!(
            page,
            format!(
                "<head>\n<script type=\"module\" src=\"/{name}\"></script>\n<link rel=\"modulepreload\" href=\"/app-1.js\"></head>"
            )
        );
        assert!(
            split(&page).unwrap().is_none(),
            "a rewritten page stays as it is"
        );
        let other = TRUNK.replace("app-1", "app-2");
        assert_ne!(
            split(&other).unwrap().unwrap().1,
            name,
            "new content, new name"
        );
    }

    #[test]
    fn an_unclosed_or_second_inline_script_is_refused() {
        assert!(split("<script type=\"module\">x").is_err());
        assert!(split(&format!("{TRUNK}{TRUNK}")).is_err());
    }
}
