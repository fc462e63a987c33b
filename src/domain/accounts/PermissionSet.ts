/** The boolean flags of a meeting-permission set (webmeeting-v6 §12.1), with their defaults. */
export const permissionFlagDefaults = {
  participantsCanShareScreen: true,
  participantsCanUseChat: true,
  participantsCanShareDocuments: true,
  participantsCanUseWhiteboard: true,
  participantsCanSeeParticipantList: true,
  participantsCanUnmuteThemselves: true,
  participantsCanStartVideo: true,
  guestsWaitInLobby: false,
  moderatorRequiredToStart: false,
} as const;

/** Flag names, in output order. */
export type PermissionFlag = keyof typeof permissionFlagDefaults;
/** All flags resolved. */
export type PermissionFlags = Record<PermissionFlag, boolean>;

/** A named meeting-permission set of an account. */
export interface PermissionSet extends PermissionFlags {
  id: string;
  accountId: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}
