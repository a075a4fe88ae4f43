//! The signatures jsonwebtoken computes for us, and no others: HMAC-SHA2 for our session tokens
//! and RS256 for Google's id_tokens. jsonwebtoken's RustCrypto provider links every algorithm it
//! knows (P-256, P-384, Ed25519, PSS…), about a sixth of the Worker's code, for keys we never
//! hold; an algorithm outside this list is refused as `InvalidAlgorithm`, which a token
//! [`jsonwebtoken::Validation`] would have refused anyway.

use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{
    Algorithm, DecodingKey, DecodingKeyKind, EncodingKey, Header, TokenData, Validation,
};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256, Sha384, Sha512};

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// [`jsonwebtoken::encode`] with [`PROVIDER`].
pub fn encode<T: Serialize>(header: &Header, claims: &T, key: &EncodingKey) -> Result<String> {
    install();
    jsonwebtoken::encode(header, claims, key)
}

/// [`jsonwebtoken::decode`] with [`PROVIDER`].
pub fn decode<T: DeserializeOwned>(
    token: &str,
    key: &DecodingKey,
    validation: &Validation,
) -> Result<TokenData<T>> {
    install();
    jsonwebtoken::decode(token, key, validation)
}

/// Every signature goes through [`encode`] or [`decode`], so [`PROVIDER`] is installed before
/// jsonwebtoken first looks for one (it would settle on a provider that panics). Installing
/// again is a no-op: the first installation stands, and it is this one.
fn install() {
    let _ = PROVIDER.install_default();
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    match algorithm {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Ok(Box::new(Hmacs {
            algorithm: *algorithm,
            secret: key.as_bytes().to_vec(),
        })),
        #[cfg(not(target_arch = "wasm32"))]
        Algorithm::RS256 => test_rsa::signer(key),
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    }
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    match algorithm {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            let secret = key.try_get_as_bytes()?.to_vec();
            Ok(Box::new(Hmacs {
                algorithm: *algorithm,
                secret,
            }))
        }
        Algorithm::RS256 => {
            let public = match key.kind() {
                DecodingKeyKind::RsaModulusExponent { n, e } => {
                    RsaPublicKey::new(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e))
                }
                DecodingKeyKind::SecretOrDer(der) => {
                    RsaPublicKey::from_pkcs1_der(der).map_err(rsa::Error::Pkcs1)
                }
            }
            .map_err(|err| ErrorKind::InvalidRsaKey(err.to_string()))?;
            Ok(Box::new(Rs256(public)))
        }
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    }
}

/// HS256/384/512 over a shared secret.
struct Hmacs {
    algorithm: Algorithm,
    secret: Vec<u8>,
}

impl Hmacs {
    fn mac(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        fn run<M: Mac + hmac::digest::KeyInit>(
            secret: &[u8],
            message: &[u8],
        ) -> std::result::Result<Vec<u8>, signature::Error> {
            let mut mac =
                <M as Mac>::new_from_slice(secret).map_err(signature::Error::from_source)?;
            mac.update(message);
            Ok(mac.finalize().into_bytes().to_vec())
        }
        match self.algorithm {
            Algorithm::HS256 => run::<Hmac<Sha256>>(&self.secret, message),
            Algorithm::HS384 => run::<Hmac<Sha384>>(&self.secret, message),
            _ => run::<Hmac<Sha512>>(&self.secret, message),
        }
    }
}

impl Signer<Vec<u8>> for Hmacs {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        self.mac(message)
    }
}

impl Verifier<Vec<u8>> for Hmacs {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> std::result::Result<(), signature::Error> {
        let expected = self.mac(message)?;
        // Constant time: a timing difference must not reveal how much of a forgery was right.
        let same = expected.len() == signature.len()
            && expected
                .iter()
                .zip(signature)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        same.then_some(()).ok_or_else(signature::Error::new)
    }
}

impl JwtSigner for Hmacs {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

impl JwtVerifier for Hmacs {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

/// RSASSA-PKCS1-v1_5 with SHA-256, what Google signs id_tokens with.
struct Rs256(RsaPublicKey);

impl Verifier<Vec<u8>> for Rs256 {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> std::result::Result<(), signature::Error> {
        self.0
            .verify(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(message),
                signature,
            )
            .map_err(signature::Error::from_source)
    }
}

impl JwtVerifier for Rs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

/// RS256 signing, for the fake identity provider of the native tests only: the Worker never
/// holds an RSA private key, so its build leaves this out.
#[cfg(not(target_arch = "wasm32"))]
mod test_rsa {
    use jsonwebtoken::crypto::JwtSigner;
    use jsonwebtoken::errors::{ErrorKind, Result};
    use jsonwebtoken::signature::{self, SignatureEncoding, Signer};
    use jsonwebtoken::{Algorithm, EncodingKey};
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs1v15::SigningKey;
    use sha2::Sha256;

    pub(super) fn signer(key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
        let private = rsa::RsaPrivateKey::from_pkcs1_der(key.as_bytes())
            .map_err(|err| ErrorKind::InvalidRsaKey(err.to_string()))?;
        Ok(Box::new(Rs256Signer(SigningKey::new(private))))
    }

    struct Rs256Signer(SigningKey<Sha256>);

    impl Signer<Vec<u8>> for Rs256Signer {
        fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
            Ok(self.0.try_sign(message)?.to_vec())
        }
    }

    impl JwtSigner for Rs256Signer {
        fn algorithm(&self) -> Algorithm {
            Algorithm::RS256
        }
    }
}
