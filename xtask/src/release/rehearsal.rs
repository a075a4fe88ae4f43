//! The test run's rehearsal of every environment's release (`cargo xtask test`): one check per
//! wrangler.toml environment.

use anyhow::{Result, bail};

use super::Target;
use crate::bootstrap::Tools;
use crate::tally::Tally;

/// One check per wrangler.toml environment: development's config bundles (`wrangler deploy
/// --dry-run`), and every other environment's release rehearses: the whole `xtask deploy
/// --dry-run`, whose version upload wrangler bundles and checks, with production's four
/// traffic steps each behind a gate.
pub fn dry_runs(tally: &mut Tally, tools: &Tools) -> Result<()> {
    eprintln!("▸ deploy dry runs, every environment");
    let (mut passed, mut failed) = (0, 0);
    for env in crate::wrangler::environments(&tools.paths.root)? {
        match rehearse(tools, &env) {
            Ok(()) => passed += 1,
            Err(err) => {
                eprintln!("  ✗ {env}: {err:#}");
                failed += 1;
            }
        }
    }
    tally.add("deploy dry runs", passed, failed);
    Ok(())
}

fn rehearse(tools: &Tools, env: &str) -> Result<()> {
    let target = match env {
        "preview" => Target::Preview,
        "staging" => Target::Staging,
        "production" => Target::Production,
        _ => return crate::wrangler::dry_run(tools, env).map(drop),
    };
    let transcript = super::rehearse(tools, target)?;
    let count = |needle: &str| transcript.iter().filter(|l| l.contains(needle)).count();
    let seen = (count("▸ traffic:"), count("/analytics_engine/sql"));
    let expected = if target == Target::Production {
        (4, 4)
    } else {
        (0, 0)
    };
    if seen != expected {
        bail!("{seen:?} traffic steps and gates, expected {expected:?}");
    }
    Ok(())
}
