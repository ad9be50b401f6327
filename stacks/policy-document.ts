/**
 * IAM policy documents as plain data, rendered to JSON only at synth time (Lazy), so constructs can keep
 * adding statements (grants) after a policy is attached, and tests can parse every document back.
 */
import { Lazy } from 'cdktf';

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

  /** The document as a JSON string token, produced when the stack is synthesized. */
  toJson(): string {
    return Lazy.stringValue({
      produce: () => JSON.stringify({ Version: '2012-10-17', Statement: this.statements }),
    });
  }
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
