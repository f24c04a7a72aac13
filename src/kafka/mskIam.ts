// AWS MSK IAM authentication through AWS's own signer (aws-msk-iam-sasl-signer-js): a SigV4
// presigned `kafka-cluster:Connect` URL for the cluster's region, base64url-encoded, sent as the
// SASL/OAUTHBEARER token. MSK's IAM listeners accept it as Amazon's Java IAMOAuthBearerLoginCallbackHandler
// sends it. Credentials: a named profile, a role to assume, or the default AWS credential chain
// (environment, shared files, web identity, container and instance metadata).
import type { MskIamConfig } from '../core/types.js';
import type { FetchedToken, TokenFetcher } from './bearerTokens.js';

export function mskIamFetcher(c: MskIamConfig): TokenFetcher {
  return async (): Promise<FetchedToken> => {
    const base = { region: c.region };
    // Loaded on first use: the signer brings much of the AWS SDK, which clusters without MSK IAM
    // should not pay for in start-up time and memory.
    const { generateAuthToken, generateAuthTokenFromProfile, generateAuthTokenFromRole } = await import('aws-msk-iam-sasl-signer-js');
    let r;
    try {
      r = c.roleArn
        ? await generateAuthTokenFromRole({ ...base, awsRoleArn: c.roleArn, ...(c.roleSessionName ? { awsRoleSessionName: c.roleSessionName } : {}) })
        : c.profile
          ? await generateAuthTokenFromProfile({ ...base, awsProfileName: c.profile })
          : await generateAuthToken(base);
    } catch (e) {
      // The AWS SDK's credential errors name the provider that failed, never a key.
      throw new Error(`has no AWS credentials to sign with (${e instanceof Error ? e.message : String(e)})`);
    }
    return { value: r.token, expiresAtMs: r.expiryTime };
  };
}
