//! This machine as a witness of the server's audit log. The CLI keeps the last audit head it
//! has seen for each server (sequence number and hash, in a small file), and before and after
//! each command asks the server to prove that its chain still extends that head
//! (`GET /api/v1/audit/proof`). The proof is the content hashes of the entries since: the CLI
//! recomputes every link from its own head, so a log cut below that head, or re-hashed from
//! scratch (say, to reassign one person's actions to another), is caught, and the CLI refuses
//! to go on.
//!
//! The first use of a server trusts whatever head it shows: compare it out of band
//! (`safehold case audit-head`, `safehold admin audit verify --head`).

use std::path::PathBuf;

use anyhow::{Context, anyhow};
use sha2::{Digest, Sha256};

use crate::audit::{self, Head, Link, Rewritten};
use crate::wire::AuditProofView;

/// Where the head seen of one server is kept.
pub struct Witness {
    path: PathBuf,
}

/// Where following one proof page left the witness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The chain's head now, proven to extend the head seen.
    Reached(Head),
    /// Proven up to here; ask for the next page from it.
    Partway(Head),
}

impl Witness {
    /// The witness file for `server`, under `$XDG_STATE_HOME/safehold` (or
    /// `~/.local/state/safehold`): state, not cache, because clearing it forgets what this
    /// machine could prove.
    pub fn for_server(server: &str) -> anyhow::Result<Witness> {
        let dir = std::env::var_os("XDG_STATE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
            .ok_or_else(|| {
                anyhow!("set HOME or XDG_STATE_HOME so the audit head you saw can be kept")
            })?
            .join("safehold");
        let key = hex::encode(&Sha256::digest(server.as_bytes())[..8]);
        Ok(Witness {
            path: dir.join(format!("audit-head-{key}")),
        })
    }

    /// The head seen last, if this machine has seen one.
    pub fn seen(&self) -> anyhow::Result<Option<Head>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", self.path.display()));
            }
        };
        let line = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        line.parse().map(Some).map_err(|e| {
            anyhow!(
                "{} is damaged ({e}); it holds the audit head this machine saw, so keep a copy and ask your organisation's security contact before removing it",
                self.path.display()
            )
        })
    }

    /// Records `head` as seen, unless another run meanwhile recorded a later one.
    pub fn record(&self, server: &str, head: Head) -> anyhow::Result<()> {
        if self.seen().ok().flatten().is_some_and(|h| h.seq > head.seq) {
            return Ok(());
        }
        let text = format!("# the last audit head seen of {server}\n{head}\n");
        let fresh = self.path.with_extension("new");
        super::staff_client::write_private(&fresh, text.as_bytes())?;
        std::fs::rename(&fresh, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// The error that stops the CLI when the server's log does not extend `seen`.
    pub fn rewritten(&self, seen: Head, why: &Rewritten) -> anyhow::Error {
        anyhow!(
            "STOP: the server's audit log was rewritten. This machine saw it up to entry {seq}, and {why}.\n\
             Someone with access to the server's database has removed or changed audit entries. Do not go on using this server.\n\
             Tell your organisation's security contact at once, by another channel than this server, and give them the head this machine saw:\n    {seen}\n\
             They can check the server against it with: safehold admin audit verify --head {seen}\n\
             Keep {path} as evidence; only remove it if they tell you to (for example after a restore from backup).",
            seq = seen.seq,
            path = self.path.display(),
        )
    }
}

/// Follows one page of a proof from `from`, the head proven so far: checks that the chain
/// still holds `from` and recomputes the links after it.
pub fn follow(from: Head, proof: &AuditProofView) -> anyhow::Result<Result<Step, Rewritten>> {
    let malformed = || anyhow!("the server's audit proof is not what Safehold sends");
    let hash32 = |text: &str| -> anyhow::Result<[u8; 32]> {
        hex::decode(text)
            .ok()
            .and_then(|h| h.try_into().ok())
            .ok_or_else(malformed)
    };
    let head = Head {
        seq: proof.head.seq,
        hash: hash32(&proof.head.hash)?,
    };
    if head.seq < from.seq {
        return Ok(Err(Rewritten::Truncated {
            seen: from.seq,
            ends_at: head.seq,
        }));
    }
    let at = match &proof.at {
        Some(at) => hash32(at)?,
        None => return Ok(Err(Rewritten::Changed { seq: from.seq })),
    };
    if at != from.hash {
        return Ok(Err(Rewritten::Changed { seq: from.seq }));
    }
    let links = proof
        .links
        .iter()
        .map(|l| {
            Ok(Link {
                seq: l.seq,
                content_hash: hash32(&l.content_hash)?,
            })
        })
        .collect::<anyhow::Result<Vec<Link>>>()?;
    let reached = match audit::extend(from, &links) {
        Ok(reached) => reached,
        Err(why) => return Ok(Err(why)),
    };
    Ok(if reached.seq == head.seq {
        if reached.hash == head.hash {
            Ok(Step::Reached(reached))
        } else {
            Err(Rewritten::NoPath { seq: from.seq })
        }
    } else if reached.seq < head.seq && !links.is_empty() {
        Ok(Step::Partway(reached))
    } else {
        Err(Rewritten::NoPath { seq: reached.seq })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{GENESIS, link_hash};
    use crate::wire::{AuditHeadView, AuditLinkView};

    /// A chain of `n` links with made-up content hashes: (links, heads by seq).
    fn chain(n: i64, salt: u8) -> (Vec<AuditLinkView>, Vec<Head>) {
        let mut heads = vec![Head::EMPTY];
        let mut links = Vec::new();
        for seq in 1..=n {
            let content = [salt ^ seq as u8; 32];
            let prev = heads.last().unwrap().hash;
            heads.push(Head {
                seq,
                hash: link_hash(&prev, seq, &content),
            });
            links.push(AuditLinkView {
                seq,
                content_hash: hex::encode(content),
            });
        }
        (links, heads)
    }

    fn proof(links: &[AuditLinkView], heads: &[Head], from: i64, to: i64) -> AuditProofView {
        let head = heads[to as usize];
        AuditProofView {
            head: AuditHeadView {
                seq: head.seq,
                hash: hex::encode(head.hash),
            },
            at: heads.get(from as usize).map(|h| hex::encode(h.hash)),
            links: links[from as usize..to as usize].to_vec(),
        }
    }

    #[test]
    fn an_extended_chain_is_followed_to_its_head() {
        let (links, heads) = chain(6, 1);
        let step = follow(heads[2], &proof(&links, &heads, 2, 6)).unwrap();
        assert_eq!(step, Ok(Step::Reached(heads[6])));
        // A page that stops short of the head asks for more.
        let mut page = proof(&links, &heads, 2, 6);
        page.links.truncate(2);
        assert_eq!(
            follow(heads[2], &page).unwrap(),
            Ok(Step::Partway(heads[4]))
        );
        assert_eq!(
            follow(Head::EMPTY, &proof(&links, &heads, 0, 6)).unwrap(),
            Ok(Step::Reached(heads[6]))
        );
        assert_eq!(heads[0].hash, GENESIS);
    }

    #[test]
    fn a_truncated_or_rehashed_chain_is_caught() {
        let (links, heads) = chain(6, 1);
        let seen = heads[5];
        // Cut to 3 entries.
        let cut = proof(&links, &heads, 3, 3);
        let cut = AuditProofView { at: None, ..cut };
        assert_eq!(
            follow(seen, &cut).unwrap(),
            Err(Rewritten::Truncated {
                seen: 5,
                ends_at: 3
            })
        );
        // Re-hashed from scratch with other content: valid in itself, not an extension.
        let (other_links, other_heads) = chain(7, 9);
        assert_eq!(
            follow(seen, &proof(&other_links, &other_heads, 5, 7)).unwrap(),
            Err(Rewritten::Changed { seq: 5 })
        );
        // A server that lies about the hash at the seen entry but sends the rewritten links
        // cannot reach its stored head from there.
        let mut lying = proof(&other_links, &other_heads, 5, 7);
        lying.at = Some(hex::encode(seen.hash));
        assert_eq!(
            follow(seen, &lying).unwrap(),
            Err(Rewritten::NoPath { seq: 5 })
        );
        // Cut and then grown again past the seen entry.
        let (regrown_links, regrown_heads) = chain(8, 9);
        assert_eq!(
            follow(seen, &proof(&regrown_links, &regrown_heads, 5, 8)).unwrap(),
            Err(Rewritten::Changed { seq: 5 })
        );
    }
}
