/** Links to the rule docs (docs/rules/<rule-id>.md in the repository), from package.json's repository/homepage. */

export const FALLBACK_REPOSITORY = 'https://example.invalid/stability-lens';

interface PackageJsonLike {
  homepage?: unknown;
  repository?: unknown;
}

/** The repository's web address: `repository.url` (or a string `repository`) without `git+` and `.git`, else homepage. */
export function repositoryBase(pkg: PackageJsonLike | undefined): string {
  const repo = pkg?.repository;
  const raw = typeof repo === 'string' ? repo : repo && typeof repo === 'object' && 'url' in repo && typeof repo.url === 'string' ? repo.url : undefined;
  const url = raw ?? (typeof pkg?.homepage === 'string' ? pkg.homepage : undefined);
  if (!url || !/^(git\+)?https?:\/\//.test(url)) return FALLBACK_REPOSITORY;
  return url.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/+$/, '');
}

export function ruleDocsUrl(base: string, ruleId: string): string {
  return `${base}/blob/main/docs/rules/${encodeURIComponent(ruleId)}.md`;
}
