interface ProgressBarProps {
  label: string;
  /** In [0, 1]; null = indeterminate (an animated bar). */
  fraction: number | null;
}

export function ProgressBar({ label, fraction }: ProgressBarProps) {
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
    >
      <div
        className={`progress__bar${fraction === null ? ' progress__bar--indeterminate' : ''}`}
        style={{ width: fraction === null ? undefined : `${fraction * 100}%` }}
      />
    </div>
  );
}
