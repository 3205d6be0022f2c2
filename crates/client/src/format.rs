//! How bytes cross stdin/stdout: raw, hex, or base64.

use base64::Engine;
use clap::ValueEnum;

use crate::error::ClientError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Raw,
    Hex,
    Base64,
}

pub fn encode(format: Format, bytes: &[u8]) -> Vec<u8> {
    match format {
        Format::Raw => bytes.to_vec(),
        Format::Hex => format!("{}\n", hex::encode(bytes)).into_bytes(),
        Format::Base64 => format!("{}\n", base64::engine::general_purpose::STANDARD.encode(bytes)).into_bytes(),
    }
}

pub fn decode(format: Format, input: &[u8]) -> Result<Vec<u8>, ClientError> {
    match format {
        Format::Raw => Ok(input.to_vec()),
        Format::Hex => {
            let t = input.trim_ascii();
            let t = t.strip_prefix(b"\\x").unwrap_or(t);
            hex::decode(t).map_err(|_| ClientError::Encoding("hex"))
        }
        Format::Base64 => base64::engine::general_purpose::STANDARD
            .decode(input.trim_ascii())
            .map_err(|_| ClientError::Encoding("base64")),
    }
}
