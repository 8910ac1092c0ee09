// The stages of a training iteration that the step-through view shows, apart from the trainer so that the
// page can name them without loading tfjs.

/** The stages of one iteration in the order the trainer runs them (each D update's three, then each G update's two), as the page names them. */
export const iterationStages = [
  { id: 'dReal', title: 'D on real clips', hint: 'The discriminator scores a batch of real clips; it should say "real" (D(x) near 1).' },
  { id: 'dFake', title: 'D on generated clips', hint: 'G draws a batch from fresh latent codes; D should say "fake" (D(G(z)) near 0).' },
  { id: 'dUpdate', title: 'D update', hint: "Adam moves D's weights to lower the sum of both losses; D is scored again." },
  { id: 'gForward', title: 'G forward', hint: 'G draws a batch and D scores it: G wants D(G(z)) near 1, and pays λ·mean(m) for its mask.' },
  { id: 'gUpdate', title: 'G update', hint: "Adam moves G's weights (D's stay) to fool D; the same codes are drawn and scored again." },
] as const;

export type IterationStage = (typeof iterationStages)[number]['id'];

/** What one stage computed, by name: losses, D's mean outputs as probabilities, the mask's mean. */
export interface StageReport {
  stage: IterationStage;
  numbers: Record<string, number>;
}

export type StageListener = (report: StageReport) => void | Promise<void>;
