/**
 * IAM policy documents as plain data, rendered to JSON only at synth time (Lazy), so constructs can keep
 * adding statements (grants) after a policy is attached, and tests can parse every document back.
 */
import { Fn, Lazy } from 'cdktf';

export type Principal = { Service: string | string[] } | { AWS: string | string[] } | '*';

export interface PolicyStatement {
  /** Statement id: says what the grant is for; unique within a document. */
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  Action: string | string[];
  /** Absent only in trust policies, where IAM forbids it (the role is the resource). */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export class PolicyDocument {
  private readonly statements: PolicyStatement[] = [];

  constructor(initial: PolicyStatement[] = []) {
    initial.forEach((s) => this.add(s));
  }

  add(statement: PolicyStatement): this {
    if (this.statements.some((s) => s.Sid === statement.Sid)) {
      throw new Error(`policy statement ${statement.Sid} added twice`);
    }
    this.statements.push(statement);
    return this;
  }

  get isEmpty(): boolean {
    return this.statements.length === 0;
  }

  /**
   * The document as a JSON string token, produced when the stack is synthesized. For `cdktf synth --hcl`
   * it is a jsonencode() call instead: cdktf's HCL writer mangles JSON strings that contain references
   * (hashicorp/terraform-cdk#3911), while jsonencode({...}) is what hand-written HCL would say anyway.
   */
  toJson(): string {
    return jsonDocument(() => ({ Version: '2012-10-17', Statement: this.statements }));
  }
}

/**
 * Any JSON document attribute (a policy, a dashboard body) that may contain references: JSON text at synth, a
 * jsonencode() call for `cdktf synth --hcl` (see toJson above for why).
 */
export function jsonDocument(document: () => unknown): string {
  return Lazy.stringValue({
    produce: () => (synthesizingHcl() ? Fn.jsonencode(document()) : JSON.stringify(document())),
  });
}

/** cdktf's own switch for HCL output (set by `cdktf synth --hcl`). */
function synthesizingHcl(): boolean {
  return process.env.SYNTH_HCL_OUTPUT === 'true' || process.env.SYNTH_HCL_OUTPUT === '1';
}

/** The TLS-only guard every resource policy carries: deny any request that is not over HTTPS. */
export function denyInsecureTransport(actionPattern: string, resources: string[]): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    // A wildcard in a Deny only widens the guard; no Allow in this project uses one.
    Action: actionPattern,
    Resource: resources,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
