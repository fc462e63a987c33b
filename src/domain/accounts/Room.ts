/** A meeting room of an account (webmeeting-v6 §12.2). */
export interface Room {
  id: string;
  accountId: string;
  name: string;
  /** 1-based. */
  index: number;
  isActive: boolean;
  createdAt: number;
}
